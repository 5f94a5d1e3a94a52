// The board summary's "Print or save as PDF" button (no inline handlers: CSP).
document.querySelectorAll("[data-print-page]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
