"""Every page each role can reach, checked with axe-core in a real browser.

Signed in as each role of the demo data, the crawl starts at the role's landing page and
follows every link (same site, GET) breadth-first, opening up to PER_ROUTE pages of each
URL pattern (two different referrals, say) so the walk stays bounded however much data
there is. On every page: no serious or critical axe violation (axe must really have run:
tests/e2e/axe.py), and no link the role is shown leads to an error page. The
administrator's walk includes Django admin (reference data).
"""

from collections import Counter
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError

from demo.accounts import DEMO_PASSWORD

from .axe import BLOCKING_IMPACTS, axe_violations, format_violations
from .navigation import follow

pytestmark = [pytest.mark.e2e, pytest.mark.minutes(2)]

PER_ROUTE = 2
MAX_PAGES = 120
# Links whose target is not a page to look at: files, and the keep-alive ping.
NOT_PAGES = ("export", "download", "csv", "keep_alive", "calendar_feed", "file")


@pytest.fixture
def demo_site(e2e_db):
    call_command("seed_demo", referrals=60, seed=11, demo=True, verbosity=0)


def _route(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if any(word in (match.url_name or "") for word in NOT_PAGES):
        return None
    return f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name or path


def crawl(page, base: str, start: str) -> dict:
    """{"checked": [urls], "blocking": {url: violations}, "broken": {url: status}}."""
    queue, seen, per_route = [base + start], set(), Counter()
    checked, blocking, broken = [], {}, {}
    while queue and len(checked) < MAX_PAGES:
        url = queue.pop(0)
        try:
            response = page.goto(url)
        except PlaywrightError as error:
            if "Download is starting" in str(error):
                continue  # a file (an export, a subject access download), not a page
            raise
        status = response.status if response else 0
        if status >= 400:
            broken[url] = status
            continue
        if "text/html" not in (response.headers.get("content-type", "") if response else ""):
            continue
        violations = [v for v in axe_violations(page) if v["impact"] in BLOCKING_IMPACTS]
        checked.append(url)
        if violations:
            blocking[url] = violations
        for link in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            link, _ = urldefrag(link)
            parts = urlsplit(link)
            if not link.startswith(base) or link in seen:
                continue
            seen.add(link)
            route = _route(parts.path)
            if route is None or per_route[route] >= PER_ROUTE:
                continue
            per_route[route] += 1
            queue.append(link)
    return {"checked": checked, "blocking": blocking, "broken": broken}


# Each role's landing page and the fewest pages its walk must check.
ROLES = [
    ("practitioner", 20),
    ("teamlead", 20),
    ("probation", 15),
    ("clinician", 5),
    ("commissioner", 3),
    ("admin", 10),
]


def _crawl_as(browser, live_server, username: str) -> dict:
    """Sign `username` in (in a context of its own, so no session carries over) and crawl."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(live_server.url + "/sign-in/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", DEMO_PASSWORD)
        follow(page, page.get_by_role("button", name="Sign in"))
        if "/sign-in/" in page.url:
            return {"sign_in_failed": True}
        return crawl(page, live_server.url, urlsplit(page.url).path)
    finally:
        context.close()


def _problems(username: str, at_least: int, found: dict) -> list[str]:
    if found.get("sign_in_failed"):
        return [f"{username}: sign-in failed"]
    problems = []
    if len(found["checked"]) < at_least:
        problems.append(
            f"{username}: checked only {len(found['checked'])} page(s), expected at least "
            f"{at_least}: {found['checked']}"
        )
    if found["broken"]:
        problems.append(f"{username}: links that lead to an error page: {found['broken']}")
    for url, violations in found["blocking"].items():
        problems.append(f"{username}: {url}\n{format_violations(violations)}")
    return problems


def test_every_page_each_role_reaches_passes_axe(browser, live_server, demo_site):
    """One test for all roles so the demo site (seconds to seed, then flushed) is seeded
    once, not per role; every role is still walked and every role's failures are listed."""
    problems = []
    for username, at_least in ROLES:
        try:
            found = _crawl_as(browser, live_server, username)
        except Exception as error:  # noqa: BLE001 - listed with the other roles' failures
            problems.append(f"{username}: the walk stopped: {error!r}")
            continue
        problems += _problems(username, at_least, found)
    assert not problems, "\n\n".join(problems)
