// Treatment requirements checklist: "Use this" copies an instrument result offered as
// evidence into the criterion's evidence box. Without JavaScript the buttons stay hidden.
for (const button of document.querySelectorAll("[data-evidence-for]")) {
  const target = document.getElementById(button.dataset.evidenceFor);
  if (!target) continue;
  button.hidden = false;
  button.addEventListener("click", () => {
    const text = button.dataset.evidence;
    if (target.value.includes(text)) return;
    target.value = target.value.trim() ? `${target.value.trim()}\n${text}` : text;
    target.focus();
  });
}
