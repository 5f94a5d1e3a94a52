"""The idle-timeout warning in a real browser, under the real Content Security Policy."""

import os
import re
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories import UserFactory

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the ORM is used while Playwright runs

pytestmark = pytest.mark.e2e
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
IDLE_SECONDS = 8  # the script warns at half the limit when that is under two minutes


@pytest.fixture
def browser_page(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path,
            headless=True,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(15_000)
        yield page
        browser.close()


def _shot(page, step):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"session-timeout-{step}.png"), full_page=True)


@override_settings(SESSION_COOKIE_AGE=IDLE_SECONDS)
def test_idle_warning_offers_stay_signed_in_then_signs_out(
    browser_page, live_server, transactional_db
):
    page = browser_page
    console = []
    page.on("console", lambda message: console.append(message.text))
    UserFactory(username="idle-user")
    page.goto(live_server.url + reverse("accounts:login"))
    page.fill("input[name=username]", "idle-user")
    page.fill("input[name=password]", "correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server.url + reverse("accounts:password_change"))

    dialog = page.get_by_role("dialog", name="You are about to be signed out")
    dialog.wait_for(state="visible", timeout=IDLE_SECONDS * 1000)
    _shot(page, "warning")
    page.get_by_role("button", name="Stay signed in").click()
    dialog.wait_for(state="hidden")
    assert "/account/password/" in page.url

    page.wait_for_url(re.compile(r"/sign-in/\?timed_out=1$"), timeout=(IDLE_SECONDS + 5) * 1000)
    _shot(page, "signed-out")

    assert "You were signed out because you did nothing" in page.content()
    assert page.get_by_role("button", name="Sign in").is_visible()
    assert not [line for line in console if "Content Security Policy" in line]
