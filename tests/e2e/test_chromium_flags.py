"""The browser tests' own Chromium flags keep Playwright's (tests/e2e/chromium.py)."""

from pathlib import Path

import pytest

from .chromium import OUR_DISABLED_FEATURES, disabled_features

pytestmark = pytest.mark.e2e


def test_the_last_disable_features_list_keeps_playwrights_and_adds_ours(browser):
    """Chromium keeps only the last --disable-features: read back off the running browser,
    that list must hold every feature an earlier one (Playwright's) disables, and ours. When
    Playwright disables one more, add it to PLAYWRIGHT_DISABLED_FEATURES."""
    if not Path("/proc").is_dir():
        pytest.skip("reads the browser's command line from /proc (Linux)")
    processes = browser.new_browser_cdp_session().send("SystemInfo.getProcessInfo")
    (pid,) = [p["id"] for p in processes["processInfo"] if p["type"] == "browser"]
    command_line = Path(f"/proc/{pid}/cmdline").read_text().split("\0")

    lists = disabled_features(command_line)

    assert len(lists) >= 2, "Playwright's list or ours is missing from the command line"
    honoured, earlier = lists[-1], set().union(*lists[:-1])
    assert earlier - honoured == set(), "features Playwright disables that ours would re-enable"
    assert set(OUR_DISABLED_FEATURES) <= honoured


def test_disabled_features_reads_each_list_in_order():
    command_line = ["--headless", "--disable-features=A,B", "--x", "--disable-features=B,C,"]

    assert disabled_features(command_line) == [{"A", "B"}, {"B", "C"}]
