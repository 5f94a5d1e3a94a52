// Live score, band and flags on an instrument form. Loaded as a module (CSP: no inline JS).
// Each answer's points come from the server (data-points), so scoring rules such as
// DAST-10's reverse-scored item 3 live in one place: assessments/instruments.py.
const form = document.querySelector("form[data-instrument]");

function readJson(id) {
  const element = document.getElementById(id);
  return element ? JSON.parse(element.textContent) : [];
}

if (form) {
  const itemCount = Number(form.dataset.items);
  const bands = readJson("instrument-bands");
  const flagRules = readJson("instrument-flags");
  const progress = document.querySelector("[data-score-progress]");
  const result = document.querySelector("[data-score-result]");
  const pending = document.querySelector("[data-score-pending]");
  const totalOutput = document.querySelector("[data-score-total]");
  const bandOutput = document.querySelector("[data-score-band]");

  const update = () => {
    let answered = 0;
    let total = 0;
    const values = {};
    for (let number = 1; number <= itemCount; number += 1) {
      const checked = form.querySelector(`input[name="item_${number}"]:checked`);
      if (checked) {
        answered += 1;
        total += Number(checked.dataset.points);
        values[number] = Number(checked.value);
      }
    }
    const complete = answered === itemCount;
    progress.textContent = `${answered} of ${itemCount} answered`;
    // Never show a total for a partly answered instrument: missing answers are not zero.
    result.hidden = !complete;
    pending.hidden = complete;
    if (complete) {
      const band = bands.find(([low, high]) => low <= total && total <= high);
      totalOutput.textContent = String(total);
      bandOutput.textContent = band ? band[2] : "";
    }
    // A flag rises as soon as its item is answered, before the rest are.
    for (const [item, threshold, name] of flagRules) {
      const raised = values[item] !== undefined && values[item] >= threshold;
      document.querySelectorAll(`[data-flag="${name}"]`).forEach((element) => {
        element.hidden = !raised;
      });
    }
  };

  form.addEventListener("change", update);
  update();
}
