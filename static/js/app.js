// Initialise GOV.UK and MoJ Frontend components. Loaded as a module: no inline scripts (CSP).
import { initAll as initGovuk } from "../vendor/govuk-frontend/govuk-frontend.min.js";
import { initAll as initMoj } from "../vendor/moj-frontend/moj-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initGovuk();
initMoj();

// On a phone a list's filters fold behind a "Show filters" button, so the rows are on the
// first screen; they stay open when one of them has an error to read.
const phone = window.matchMedia("(max-width: 640px)");
document.querySelectorAll(".app-filter-layout__filter form.app-filter").forEach((form, index) => {
  if (!phone.matches || form.querySelector(".govuk-form-group--error")) return;
  form.id = form.id || `app-filter-${index + 1}`;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "govuk-button govuk-button--secondary app-filter-toggle";
  button.setAttribute("aria-controls", form.id);
  button.setAttribute("aria-expanded", "false");
  button.textContent = "Show filters";
  form.hidden = true;
  form.before(button);
  button.addEventListener("click", () => {
    const opening = form.hidden;
    form.hidden = !opening;
    button.setAttribute("aria-expanded", String(opening));
    button.textContent = opening ? "Hide filters" : "Show filters";
  });
});

// A table wider than the screen scrolls sideways in its own box, not the whole page (a
// template may wrap it already: .app-table-wrap). The box can take focus, so a keyboard
// user can scroll it too, and is named after the table's caption.
document.querySelectorAll("main table.govuk-table").forEach((table) => {
  const fits =
    table.offsetWidth <= table.parentElement.clientWidth &&
    table.getBoundingClientRect().right <= document.documentElement.clientWidth;
  if (table.closest(".app-table-wrap") || fits) return;
  const box = document.createElement("div");
  box.className = "app-table-wrap";
  box.tabIndex = 0;
  box.setAttribute("role", "region");
  const caption = table.caption ? table.caption.textContent.replace(/\s+/g, " ").trim() : "";
  box.setAttribute("aria-label", caption.slice(0, 80) || "Table");
  table.before(box);
  box.append(table);
});
