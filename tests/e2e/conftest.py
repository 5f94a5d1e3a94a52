"""Browser tests: real headless Chromium (Debian's package) driven by Playwright.

Tests are marked `e2e`, use pytest-django's live_server (transactional database) and save
a screenshot of every screen to test-artifacts/screenshots/<test>-<step>.png (unless
E2E_SCREENSHOTS=failures: tests/e2e/screenshots.py). Without a
chromium binary they skip on a laptop and fail under REQUIRE_SERVICES=1 (tests/conftest.py).
"""

import contextlib
from pathlib import Path

import pytest
from django.db import connections
from django.urls import reverse

from tests.referrals.helpers import ensure_reference_data

from . import screenshots
from .chromium import CHROMIUM_ARGS
from .navigation import follow

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's password


@pytest.fixture
def browser(chromium_path, monkeypatch):
    """A fresh Chromium per test. Not session-wide: a Playwright loop left running would
    break any other test in the worker that starts its own, and the environment variable
    below must not leak into later tests (manage.py check --deploy refuses it)."""
    from playwright.sync_api import sync_playwright

    # The ORM is used from the test while Playwright's event loop runs in this thread.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
        # While Playwright's loop runs, the ORM's per-thread connections are per context:
        # close the ones this test opened, or the test database cannot be dropped at the end.
        connections.close_all()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def e2e_db(transactional_db):
    """The live server sees committed data; reload the coded lists a flush may have emptied."""
    ensure_reference_data()


@pytest.fixture
def screenshot(page, request):
    """screenshot("step") saves the whole page as <test name>-<step>.png (tests/e2e/screenshots.py)."""

    def take(step: str) -> Path:
        return screenshots.save(page, f"{request.node.name}-{step}")

    return take


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failing browser test leaves the screen it failed on as <test name>-failed.png,
    whatever E2E_SCREENSHOTS says."""
    outcome = yield
    report = outcome.get_result()
    page = getattr(item, "funcargs", {}).get("page")
    if report.when == "call" and report.failed and page is not None:
        # A page already closed must not hide the test's own failure.
        with contextlib.suppress(Exception):
            screenshots.save(page, f"{item.name}-failed", always=True)


@pytest.fixture
def signed_in_page(page, live_server, e2e_db):
    """signed_in_page(user) signs `user` in through the real form and returns the page."""

    def sign_in(user, password: str = PASSWORD):
        page.goto(live_server.url + reverse("accounts:login"))
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", password)
        follow(page, page.get_by_role("button", name="Sign in"))
        assert "/sign-in/" not in page.url, "sign-in failed"
        return page

    return sign_in
