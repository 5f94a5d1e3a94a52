// Saves what the practitioner has typed to the server every 10 seconds, when a field loses
// focus, before signing out and when the page is hidden, so nothing is lost on a shared
// terminal that signs itself out. The server keeps one draft per user and step
// (assessments.views.autosave) and puts it back when the page is opened again.
const form = document.querySelector("form[data-autosave-url]");
const INTERVAL_MS = 10000;

if (form) {
  const url = form.dataset.autosaveUrl;
  const status = form.querySelector("[data-autosave-status]");
  let dirty = false;
  let saving = null;
  let submitting = false;
  let blurTimer = null;

  const show = (message) => {
    if (status) status.textContent = message;
  };

  const save = async () => {
    if (!dirty || submitting) return;
    if (saving) return saving;
    dirty = false;
    saving = (async () => {
      try {
        const response = await fetch(url, {
          method: "POST",
          body: new FormData(form),
          credentials: "same-origin",
          redirect: "manual",
          headers: { Accept: "application/json" },
        });
        if (response.type === "opaqueredirect" || response.status === 403) {
          dirty = true;
          show("You have been signed out. What you typed before then is saved: sign in again to carry on.");
        } else if (response.status === 409) {
          // Saved since this page was opened (or signed): retrying cannot help; the typing
          // stays on the page for the user to save.
          const body = await response.json().catch(() => ({}));
          show(body.error || "Not kept as a draft: this page is out of date. Save it to keep what you typed.");
        } else if (!response.ok) {
          dirty = true;
          show("Your draft could not be saved just now. Keep this page open: it will try again.");
        } else {
          const body = await response.json();
          show(`Draft saved at ${body.display}`);
        }
      } catch {
        dirty = true;
        show("Not connected: your draft will be saved when the connection returns.");
      } finally {
        saving = null;
      }
    })();
    return saving;
  };

  form.addEventListener("input", () => { dirty = true; });
  form.addEventListener("change", () => { dirty = true; });
  form.addEventListener("focusout", () => {
    clearTimeout(blurTimer);
    blurTimer = setTimeout(save, 300);
  });
  form.addEventListener("submit", () => {
    submitting = true;
    clearTimeout(blurTimer);
  });
  window.setInterval(save, INTERVAL_MS);

  // Save before any other form on the page (such as "Sign out") is submitted.
  document.querySelectorAll("form").forEach((other) => {
    if (other === form) return;
    other.addEventListener("submit", (event) => {
      if (!dirty || submitting) return;
      event.preventDefault();
      clearTimeout(blurTimer);
      save().finally(() => other.submit());
    });
  });

  window.addEventListener("pagehide", () => {
    if (dirty && !submitting && navigator.sendBeacon) {
      navigator.sendBeacon(url, new FormData(form));
    }
  });
}
