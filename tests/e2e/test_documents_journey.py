"""Attaching documents in a browser (issue 14): a practitioner attaches a GP letter to a
person's order (a PNG named .pdf is refused first, naming the file), sees it listed and
downloads it; the probation officer supervising the order sees the court papers but not
the GP letter while the person has not consented to share with probation. Each screen is
checked with axe-core and saved, at 1280 px and at 390 px (test-artifacts/screenshots/documents-*)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.enums import Role
from documents.enums import DocumentType
from documents.models import Document
from tests.assessments.factories import signed_assessment
from tests.documents.conftest import attach
from tests.documents.files import PNG, pdf
from tests.factories import ReferralFactory, TeamFactory, UserFactory
from tests.treatment_requirements.factories import (
    OrderFactory,
    ProbationOfficerFactory,
    ready_recommendation,
)

from . import screenshots
from .axe import assert_no_serious_violations
from .journey_helpers import day, journey_checkpoint  # noqa: F401 - a fixture
from .navigation import follow

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _shoot(page, name):
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        screenshots.save(page, f"documents-{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_practitioner_attaches_a_gp_letter_and_probation_sees_only_court_papers(
    signed_in_page, browser, live_server, page, checkpoint, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    team = TeamFactory(name="E2E documents L&D")
    pat = UserFactory(
        role=Role.PRACTITIONER, team=team, first_name="Pat", last_name="Moss", username="e2e_pat"
    )
    officer = ProbationOfficerFactory(username="e2e_officer")
    referral = ReferralFactory(
        person__team=team, person__created_by=pat, person__given_name="Ifeoma", created_by=pat
    )
    order = OrderFactory(
        court_outcome__recommendation=ready_recommendation(
            assessment=signed_assessment(referral=referral)
        ),
        responsible_officer=officer,
    )
    person = order.person
    attach(
        person,
        pat,
        name="court register.txt",
        title="Court register extract",
        document_type=DocumentType.COURT_PAPERS,
        order=order,
    )

    _a_file_of_the_wrong_type_is_refused(
        page, signed_in_page, pat, live_server, person, checkpoint, order
    )

    _attach_and_download_the_gp_letter(page, checkpoint)

    _probation_sees_only_the_court_papers(browser, live_server, officer, person)


def _a_file_of_the_wrong_type_is_refused(
    page, signed_in_page, pat, live_server, person, checkpoint, order
):
    """A PNG named .pdf beside a real PDF: the whole upload is refused, nothing half-saved."""
    signed_in_page(pat)
    page.goto(live_server.url + reverse("referrals:person_detail", args=[person.pk]))
    page.get_by_role("link", name="Documents", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Documents")
    page.get_by_role("link", name="Attach documents").click()
    checkpoint("01-attach-form")
    _shoot(page, "01-attach-form")

    page.set_input_files(
        "input[name=files]",
        [
            {"name": "GP letter.pdf", "mimeType": "application/pdf", "buffer": pdf("GP letter")},
            {"name": "photo.pdf", "mimeType": "application/pdf", "buffer": PNG},
        ],
    )
    page.get_by_label("GP letter").check()
    page.get_by_label("Date of the document").fill(day(-3))
    page.get_by_label("About (optional)").select_option(value=f"order-{order.pk}")
    page.get_by_role("button", name="Attach").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "photo.pdf is named as .pdf but its content is a PNG image"
    )
    assert Document.objects.filter(person=person).count() == 1  # nothing half-saved
    checkpoint("02-wrong-type-refused")
    _shoot(page, "02-wrong-type-refused")


def _attach_and_download_the_gp_letter(page, checkpoint):
    """The download is named for the record, never for the uploaded file."""
    page.set_input_files(
        "input[name=files]",
        [{"name": "GP letter.pdf", "mimeType": "application/pdf", "buffer": pdf("GP letter")}],
    )
    page.get_by_label("Title (optional)").fill("Letter from Dr Okafor")
    page.get_by_role("button", name="Attach").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "1 document attached"
    )
    rows = page.locator("table.app-documents tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Letter from Dr Okafor")
    expect(rows.first).to_contain_text("GP letter")
    checkpoint("03-listed")
    _shoot(page, "03-listed")
    with page.expect_download() as download:
        rows.first.get_by_role("link", name="Letter from Dr Okafor (download").click()
    letter = Document.objects.get(title="Letter from Dr Okafor")
    assert download.value.suggested_filename == letter.download_name  # never "GP letter.pdf"


def _probation_sees_only_the_court_papers(browser, live_server, officer, person):
    """Without consent to share, the officer (on a phone) sees the court papers only and cannot
    attach."""
    context = browser.new_context(viewport={"width": 390, "height": 900}, locale="en-GB")
    probation = context.new_page()
    probation.goto(live_server.url + reverse("accounts:login"))
    probation.fill("input[name=username]", officer.username)
    probation.fill("input[name=password]", "correct horse battery staple")
    follow(probation, probation.get_by_role("button", name="Sign in"))
    probation.goto(live_server.url + reverse("documents:person_documents", args=[person.pk]))
    probation_rows = probation.locator("table.app-documents tbody tr")
    expect(probation_rows).to_have_count(1)
    expect(probation_rows.first).to_contain_text("Court register extract")
    expect(probation.get_by_text("Letter from Dr Okafor")).to_have_count(0)
    expect(probation.get_by_role("link", name="Attach documents")).to_have_count(0)
    assert_no_serious_violations(probation, "probation documents")
    _shoot(probation, "04-probation-without-consent")
    context.close()
