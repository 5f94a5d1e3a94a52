// The "Print this summary" button on the printable assessment summary (no inline JS: CSP).
document.querySelectorAll("[data-print-page]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
