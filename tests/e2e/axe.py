"""Accessibility check with axe-core (vendored in static/vendor/axe-core, from the npm registry).

    from tests.e2e.axe import assert_no_serious_violations
    assert_no_serious_violations(page, "referral list")

Injects axe.min.js into the page (evaluated through Playwright, so the page's
Content-Security-Policy does not apply), runs it against WCAG 2.0/2.1/2.2 A and AA plus axe's best-practice rules,
and fails on any violation whose impact is serious or critical, listing each rule, its help
text and the offending elements so the failure can be fixed without rerunning anything.
"""

from pathlib import Path
from urllib.parse import urljoin

from playwright.sync_api import Error as PlaywrightError

AXE_JS = Path(__file__).resolve().parents[2] / "static" / "vendor" / "axe-core" / "axe.min.js"
AXE_URL = "/static/vendor/axe-core/axe.min.js"  # the same file, as the app serves it
BLOCKING_IMPACTS = ("serious", "critical")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

_RUN = """async (tags) => {
  // resultTypes: axe's documented speed-up. Passes are still listed (one node each), so
  // rules_passed still proves axe ran; violations keep every node.
  const results = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                           resultTypes: ['violations']});
  return {
    rules_passed: results.passes.length,
    violations: results.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200),
                                summary: n.failureSummary}))
    })),
  };
}"""
# A page axe really checked passes dozens of rules (document title, lang, landmarks...).
# Fewer means it did not run on the page (blocked, or an empty document): not "clean".
MIN_RULES_PASSED = 5


def _load_axe(page) -> None:
    """Load axe-core as the app's own static file, which the page's CSP allows ('self'):
    the browser caches it, where sending its half a megabyte of text through the DevTools
    protocol for every page kept Playwright's driver and Chromium busy (the axe crawl: 130
    s of CPU before, 121 s after). A page without the app's static files (an error from
    elsewhere) has it evaluated through the DevTools protocol, which no CSP blocks."""
    try:
        page.add_script_tag(url=urljoin(page.url, AXE_URL))
    except PlaywrightError:
        page.evaluate(f"() => {{ {AXE_JS.read_text(encoding='utf-8')} }}")


def axe_violations(page) -> list[dict]:
    """Every axe violation on the page as it is now (all impacts). Fails if axe did not
    really run: a script blocked by the Content Security Policy reports nothing, which
    would read as clean."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        _load_axe(page)
    results = page.evaluate(_RUN, TAGS)
    assert results["rules_passed"] >= MIN_RULES_PASSED, (
        f"axe checked only {results['rules_passed']} rule(s) on {page.url}: it did not run"
    )
    return results["violations"]


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})"
        )
        for node in violation["nodes"][:10]:
            lines.append(f"    at {node['target']}: {node['html']}")
            for summary_line in (node["summary"] or "").splitlines():
                lines.append(f"        {summary_line}")
        if len(violation["nodes"]) > 10:
            lines.append(f"    ... and {len(violation['nodes']) - 10} more elements")
    return "\n".join(lines)


def assert_no_serious_violations(page, name: str) -> list[dict]:
    """Fail if axe finds a serious or critical violation; return the lesser ones."""
    violations = axe_violations(page)
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, (
        f"Accessibility: {len(blocking)} serious/critical axe violation(s) on {name} "
        f"({page.url}):\n{format_violations(blocking)}"
    )
    return [v for v in violations if v["impact"] not in BLOCKING_IMPACTS]
