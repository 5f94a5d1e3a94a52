"""The contact log in a browser (issue 14): a practitioner logs a phone call with a long
note (a call dated in the future is refused first), corrects it by addendum, and marks
another contact as recorded in error, which stays on the log struck through. Every screen
is checked with axe-core; screenshots at 1280 and 390 px also go to test-artifacts/screenshots/notes-*."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.enums import Role
from contact_log.models import Contact
from tests.contact_log.factories import ContactFactory
from tests.factories import ReferralFactory, TeamFactory, UserFactory

from . import screenshots
from .axe import assert_no_serious_violations
from .journey_helpers import journey_checkpoint  # noqa: F401 - a fixture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LONG_NOTE = (
    "Phoned Mrs Example's mobile at the agreed time. She said the hostel had asked her to "
    "leave after an argument and she is sleeping at a friend's flat. "
) * 40  # about 5,700 characters


def _shot(page, name):
    screenshots.save(page, f"notes-{name}")


def test_practitioner_logs_a_call_corrects_it_and_marks_another_in_error(
    signed_in_page, live_server, page, checkpoint
):
    team = TeamFactory(name="E2E contact team")
    pat = UserFactory(role=Role.PRACTITIONER, team=team, first_name="Pat", last_name="Moss")
    referral = ReferralFactory(
        person__team=team, person__given_name="Imogen", team=team, created_by=pat
    )
    person = referral.person
    mistaken = ContactFactory(
        person=person,
        practitioner=pat,
        author_team=team,
        contact_type="letter",
        note="Letter sent about the wrong appointment.",
        contact_at=timezone.now() - datetime.timedelta(days=2),
    )
    signed_in_page(pat)

    _a_contact_in_the_future_is_refused(page, live_server, person, checkpoint, referral)

    call = _save_the_call_and_add_an_addendum(page, person, referral, checkpoint)

    _mark_the_letter_recorded_in_error(page, live_server, mistaken, checkpoint)

    _the_log_and_the_contact_fit_a_phone(page, live_server, call)


def _a_contact_in_the_future_is_refused(page, live_server, person, checkpoint, referral):
    page.goto(live_server.url + reverse("referrals:person_detail", args=[person.pk]))
    page.get_by_role("link", name="Contact log").click()
    expect(page.get_by_role("heading", name="Contact log")).to_be_visible()
    checkpoint("01-log")

    page.get_by_role("link", name="Add a contact").click()
    page.get_by_label("Type of contact").select_option(label="Phone call")
    future = timezone.localtime() + datetime.timedelta(days=1)
    page.get_by_label("Date of the contact").fill(future.strftime("%d/%m/%Y"))
    page.get_by_label("Time of the contact").fill("09:15")
    page.get_by_label("With whom (optional)").fill("Imogen, on her mobile")
    page.get_by_label("Contact made").check()
    page.get_by_label("Note").fill(LONG_NOTE)
    expect(page.locator(".govuk-character-count__status")).to_contain_text("characters remaining")
    page.get_by_label("Linked record (optional)").select_option(value=f"referral:{referral.pk}")
    page.get_by_role("button", name="Save contact").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("must be today or in the past")
    checkpoint("02-future-refused")
    _shot(page, "add-contact-error-1280")


def _save_the_call_and_add_an_addendum(page, person, referral, checkpoint):
    """Saved with a time in the past; an addendum needs its reason, and leaves the note as it was."""
    earlier = timezone.localtime() - datetime.timedelta(minutes=10)
    page.get_by_label("Date of the contact").fill(earlier.strftime("%d/%m/%Y"))
    page.get_by_label("Time of the contact").fill(earlier.strftime("%H:%M"))
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_text("Contact added to the log")).to_be_visible()
    call = Contact.objects.get(contact_type="phone", person=person)
    assert call.note == LONG_NOTE.strip()
    assert call.referral == referral
    checkpoint("03-call-saved")

    page.get_by_role("link", name="Add an addendum").click()
    page.get_by_role("button", name="Save addendum").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the reason")
    page.get_by_label("Addendum", exact=True).fill("She called back: the friend is her sister.")
    page.get_by_label("Reason for the addendum").fill("Further information")
    page.get_by_role("button", name="Save addendum").click()
    expect(page.get_by_text("She called back: the friend is her sister.")).to_be_visible()
    expect(page.locator(".app-contact__note")).to_contain_text(LONG_NOTE[:80])
    checkpoint("04-addendum")
    _shot(page, "contact-detail-1280")
    return call


def _mark_the_letter_recorded_in_error(page, live_server, mistaken, checkpoint):
    """Struck through in the log, with the reason on the contact."""
    page.goto(live_server.url + mistaken.get_absolute_url())
    page.get_by_role("link", name="Mark as recorded in error").click()
    page.get_by_label("Why it was recorded in error").fill("Recorded on the wrong person")
    page.get_by_role("button", name="Mark as recorded in error").click()
    expect(page.locator(".govuk-warning-text")).to_contain_text("Recorded on the wrong person")
    page.get_by_role("link", name="Back to the contact log").click()
    struck = page.locator(".app-contact--in-error del")
    expect(struck).to_have_text("Letter sent about the wrong appointment.")
    checkpoint("05-log-with-in-error")
    _shot(page, "contact-log-1280")


def _the_log_and_the_contact_fit_a_phone(page, live_server, call):
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert_no_serious_violations(page, "contact log at 390 px")
    _shot(page, "contact-log-390")
    _assert_fits(page)
    page.get_by_role("link", name="Add a contact").click()
    _shot(page, "add-contact-390")
    page.goto(live_server.url + call.get_absolute_url())
    assert_no_serious_violations(page, "contact at 390 px")
    _shot(page, "contact-detail-390")
    _assert_fits(page)


def _assert_fits(page):
    scroll = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll <= 390, f"{page.url} scrolls sideways at 390 px ({scroll} px wide)"
