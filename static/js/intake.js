// Intake form: offer the sites that fit the referral's source and name the reference the
// way that source prints it. Progressive enhancement only: the server checks everything.
const SITE_KINDS = {
  police_custody: ["custody_suite"],
  voluntary_attendance: ["police_station", "custody_suite"],
  magistrates_court: ["magistrates_court"],
  youth_court: ["youth_court", "magistrates_court"],
  crown_court: ["crown_court"],
};
const REFERENCE_LABELS = {
  police_custody: "Custody record number",
  voluntary_attendance: "Custody record number",
  magistrates_court: "Court case number",
  youth_court: "Court case number",
  crown_court: "Court case number",
};

function update(source, site, referenceLabel) {
  const kinds = SITE_KINDS[source.value];
  const options = Array.from(site.options).filter((option) => option.dataset.kind);
  const fits = (option) => !kinds || kinds.includes(option.dataset.kind);
  const anyFit = options.some(fits);
  for (const option of options) {
    option.hidden = anyFit && !fits(option) && !option.selected;
  }
  if (referenceLabel) {
    referenceLabel.textContent =
      REFERENCE_LABELS[source.value] || referenceLabel.dataset.defaultLabel;
  }
}

const source = document.getElementById("id_referral-source");
const site = document.getElementById("id_referral-site");
if (source && site) {
  const referenceLabel = document.querySelector("label[for='id_referral-case_reference']");
  if (referenceLabel) {
    referenceLabel.dataset.defaultLabel = referenceLabel.textContent.trim();
  }
  source.addEventListener("change", () => update(source, site, referenceLabel));
  update(source, site, referenceLabel);
}
