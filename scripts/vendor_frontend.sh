#!/usr/bin/env bash
# Re-vendor the front-end packages from the npm registry into static/vendor/.
# Versions are pinned in package.json; run this after changing them and commit the result.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ver() { node -p "require('$PWD/package.json').dependencies['$1']"; }
specs=("govuk-frontend@$(ver govuk-frontend)" "@ministryofjustice/frontend@$(ver @ministryofjustice/frontend)" "chart.js@$(ver chart.js)" "axe-core@$(ver axe-core)")
(cd "$work" && npm pack --silent "${specs[@]}" >/dev/null)
for f in "$work"/*.tgz; do d="${f%.tgz}"; mkdir -p "$d"; tar xzf "$f" -C "$d"; done
out=static/vendor
rm -rf "$out" && mkdir -p "$out"/{govuk-frontend,moj-frontend,chart.js,axe-core}
g="$work"/govuk-frontend-*/package
cp $g/dist/govuk/govuk-frontend.min.js $g/dist/govuk/govuk-frontend.min.js.map "$out/govuk-frontend/"
cp -r $g/dist/govuk/assets "$out/govuk-frontend/assets"
# The GDS Transport font is licensed for GOV.UK domains only: drop it, fall back to Arial.
rm -rf "$out/govuk-frontend/assets/fonts"
sed -e 's#@font-face{[^}]*}##g' -e 's#/assets/#/static/vendor/govuk-frontend/assets/#g' -e 's#/\*\# sourceMappingURL=[^*]*\*/##' \
  $g/dist/govuk/govuk-frontend.min.css > "$out/govuk-frontend/govuk-frontend.min.css"
m="$work"/ministryofjustice-frontend-*/package
sed -e "s%//# sourceMappingURL=.*%%" $m/moj/moj-frontend.min.js > "$out/moj-frontend/moj-frontend.min.js"
sed -e 's#/\*\# sourceMappingURL=[^*]*\*/##' -e 's#/assets/#/static/vendor/moj-frontend/assets/#g' $m/moj/moj-frontend.min.css > "$out/moj-frontend/moj-frontend.min.css"
[ -d $m/moj/assets ] && cp -r $m/moj/assets "$out/moj-frontend/assets"
c="$work"/chart.js-*/package
cp $c/dist/chart.umd.min.js $c/dist/chart.umd.min.js.map $c/LICENSE.md "$out/chart.js/"
a="$work"/axe-core-*/package
cp $a/axe.min.js $a/LICENSE "$out/axe-core/"
cp "$work"/govuk-frontend-*/package/LICENSE* "$out/govuk-frontend/" 2>/dev/null || true
cp "$work"/ministryofjustice-frontend-*/package/LICENSE* "$out/moj-frontend/" 2>/dev/null || true
echo "vendored into $out"
