// The record-level return's progress bar: polls the progress URL every 2 seconds while the
// return is queued or being built, and reloads the page once it is finished (ready, failed)
// so the download button appears. No inline script (CSP); without JavaScript the page
// offers a refresh link and the inbox tells the requester.
const box = document.querySelector("[data-return-progress]");

async function poll() {
  try {
    const response = await fetch(box.dataset.returnProgress, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    if (!response.ok) return;
    const status = await response.json();
    const bar = document.getElementById("return-bar");
    bar.value = status.progress;
    bar.textContent = `${status.progress}%`;
    const percent = document.getElementById("return-percent");
    if (percent) percent.textContent = String(status.progress);
    if (status.finished) {
      window.location.reload();
      return;
    }
  } catch {
    // A dropped connection: try again at the next tick.
  }
  window.setTimeout(poll, 2000);
}

if (box && box.dataset.finished === "false") {
  window.setTimeout(poll, 2000);
}
