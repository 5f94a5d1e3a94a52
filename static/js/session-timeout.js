// Idle-timeout warning (GOV.UK "timeout warning" pattern). Loaded as a module: no inline
// scripts (CSP). Reads the idle limit and URLs from data- attributes on <body>, warns two
// minutes before the server-side session expires, offers "Stay signed in" (a GET to the
// keep-alive endpoint, which renews the session), and otherwise goes to the sign-in page
// with a "you were signed out" message. Activity in any tab of the service counts.

const WARNING_SECONDS = 120;
const STORAGE_KEY = "ldcstr:last-activity";

const body = document.body;
const timeoutSeconds = Number.parseInt(body.dataset.sessionTimeout || "", 10);
const keepAliveUrl = body.dataset.keepAliveUrl;
const signedOutUrl = body.dataset.signedOutUrl;

function now() {
  return Date.now();
}

function lastActivity() {
  const shared = Number.parseInt(window.localStorage.getItem(STORAGE_KEY) || "0", 10);
  return Math.max(shared, pageLoadedAt);
}

function recordActivity() {
  const at = now();
  try {
    window.localStorage.setItem(STORAGE_KEY, String(at));
  } catch {
    // Private browsing may refuse storage: this tab still times itself.
  }
  return at;
}

function describe(seconds) {
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60);
    return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  }
  return `${seconds} second${seconds === 1 ? "" : "s"}`;
}

function buildDialog() {
  const dialog = document.createElement("dialog");
  dialog.className = "app-timeout-dialog";
  dialog.setAttribute("aria-labelledby", "app-timeout-title");
  dialog.setAttribute("aria-describedby", "app-timeout-message");

  const title = document.createElement("h2");
  title.className = "govuk-heading-m";
  title.id = "app-timeout-title";
  title.textContent = "You are about to be signed out";

  const message = document.createElement("p");
  message.className = "govuk-body";
  message.id = "app-timeout-message";
  const countdown = document.createElement("span");
  countdown.className = "govuk-!-font-weight-bold";
  message.append("For your security, you will be signed out in ", countdown, ".");

  const hint = document.createElement("p");
  hint.className = "govuk-body";
  hint.textContent = "Anything you have not saved will be lost.";

  const stay = document.createElement("button");
  stay.type = "button";
  stay.className = "govuk-button";
  stay.dataset.module = "govuk-button";
  stay.textContent = "Stay signed in";

  dialog.append(title, message, hint, stay);
  body.append(dialog);
  return { dialog, countdown, stay };
}

function signOutNow() {
  window.location.assign(signedOutUrl);
}

async function staySignedIn() {
  try {
    const response = await fetch(keepAliveUrl, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      cache: "no-store",
    });
    const type = response.headers.get("content-type") || "";
    if (!response.ok || response.redirected || !type.includes("application/json")) {
      signOutNow();
      return false;
    }
  } catch {
    signOutNow();
    return false;
  }
  recordActivity();
  return true;
}

let pageLoadedAt = 0;

function start() {
  pageLoadedAt = recordActivity();
  const { dialog, countdown, stay } = buildDialog();
  const warnBefore = Math.min(WARNING_SECONDS, Math.floor(timeoutSeconds / 2));

  stay.addEventListener("click", async () => {
    if (await staySignedIn()) {
      dialog.close();
    }
  });
  // Escape closes a native dialog without renewing the session: treat it as "stay".
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    stay.click();
  });

  function tick() {
    const remaining = Math.ceil((lastActivity() + timeoutSeconds * 1000 - now()) / 1000);
    if (remaining <= 0) {
      signOutNow();
      return;
    }
    if (remaining <= warnBefore) {
      countdown.textContent = describe(remaining);
      if (!dialog.open) {
        dialog.showModal();
        stay.focus();
      }
    } else if (dialog.open) {
      dialog.close(); // another tab renewed the session
    }
    window.setTimeout(tick, 1000);
  }
  tick();
}

if (Number.isFinite(timeoutSeconds) && timeoutSeconds > 0 && keepAliveUrl && signedOutUrl) {
  start();
}
