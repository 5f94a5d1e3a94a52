"""The case record across roles in a browser (issue 14, "Done when").

An L&D practitioner logs a phone call with a long note, corrects it by addendum, records a
restricted (safeguarding) note, attaches a GP letter and court papers to the person's order
and raises a risk-to-staff flag with a review date, moving between the pages through the
record's navigation. The probation officer supervising the order then sees the flag in the
person's header, on the booking and appointment-outcome screens and as a marker on the
caseload row; sees none of the L&D team's contacts (restricted or not: the contact log is
the author team's own); downloads the court papers (attachment, never cached) and, while the
person's consent to share with probation stands, the GP letter. The practitioner records the
withdrawal of that consent; the GP letter is then gone from the officer's list and its
download refused, the court papers still there. A second person on the same caseload, with
an order, a contact and court papers of their own, shows nothing of the first person's.

Every page is checked with axe-core (at 1280 and 390 px, and for no sideways scrolling at
390 px); screenshots at both widths go to test-artifacts/screenshots/record-*.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.enums import Role
from contact_log.models import Contact
from documents.enums import DocumentType
from documents.models import Document
from risks.models import RiskFlag
from tests.assessments.factories import ConsentFactory, signed_assessment
from tests.contact_log.factories import ContactFactory
from tests.documents.conftest import attach
from tests.documents.files import pdf
from tests.factories import PersonFactory, ReferralFactory, UserFactory
from tests.treatment_requirements.factories import (
    AppointmentFactory,
    OrderFactory,
    OrderRequirementFactory,
    ProbationOfficerFactory,
    ready_recommendation,
)

from . import screenshots
from .axe import assert_no_serious_violations
from .journey_helpers import day
from .navigation import follow

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LONG_NOTE = (
    "Phoned Morwenna at the agreed time about the hostel place and her GP appointment. She "
    "said the keyworker had moved her room and she felt safer near the office; we agreed to "
    "speak again on Thursday and that I would check with the surgery about her prescription. "
) * 18  # about 4,500 characters
ADDENDUM = "She rang back: the Thursday call is at 10:00, not 14:00."
RESTRICTED = "Safeguarding: her sister reports that a former partner has found the hostel."
OTHER_LD_NOTE = "Left a message with the custody nurse about the assessment."
SECOND_PERSON_NOTE = "Jago's housing officer confirmed the tenancy."
FLAG_NOTE = "Threatened the custody nurse with a pen. See with a colleague, near the exit."


def _record_nav(page):
    return page.get_by_role("navigation", name="Person's record")


def _go(page, label):
    follow(page, _record_nav(page).get_by_role("link", name=label, exact=True))


def _look(page, name):
    """axe-clean at 1280 and 390 px, no sideways scrolling at 390 px, screenshots of both."""
    page.wait_for_load_state()
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert_no_serious_violations(page, f"{name} at {width} px")
        screenshots.save(page, f"record-{name}-{width}")
    scroll = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll <= 390, f"{name} scrolls sideways at 390 px ({scroll} px wide)"
    page.set_viewport_size({"width": 1280, "height": 900})


def _sign_in_as(page, signed_in_page, user):
    page.context.clear_cookies()
    signed_in_page(user)


def _upload(page, *, name, text, kind, order, title):
    page.get_by_role("link", name="Attach documents").click()
    page.set_input_files(
        "input[name=files]", [{"name": name, "mimeType": "application/pdf", "buffer": pdf(text)}]
    )
    page.get_by_label(kind, exact=True).check()
    page.get_by_label("Date of the document").fill(day(-2))
    page.get_by_label("About (optional)").select_option(value=f"order-{order.pk}")
    page.get_by_label("Title (optional)").fill(title)
    page.get_by_role("button", name="Attach").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "1 document attached"
    )


def _world(site):
    """Two people on one officer's caseload, each with an order made on an L&D referral."""
    pat = UserFactory(
        role=Role.PRACTITIONER,
        team=site.team,
        first_name="Pat",
        last_name="Moss",
        username="cr_pat",
    )
    colleague = UserFactory(role=Role.PRACTITIONER, team=site.team, username="cr_colleague")
    officer = ProbationOfficerFactory(first_name="Olu", last_name="Bankole", username="cr_officer")
    people, orders = [], []
    for given, family in (("Morwenna", "Tregarthen"), ("Jago", "Penrose")):
        person = PersonFactory(team=site.team, created_by=pat, given_name=given, family_name=family)
        ReferralFactory(person=person, site=site, created_by=pat)  # an earlier referral
        referral = ReferralFactory(person=person, site=site, created_by=pat)
        ConsentFactory(referral=referral, share_with_probation=True, recorded_by=pat)
        order = OrderFactory(
            court_outcome__recommendation=ready_recommendation(
                assessment=signed_assessment(referral=referral)
            ),
            responsible_officer=officer,
            probation_team=officer.team,
        )
        OrderRequirementFactory(order=order)
        people.append(person)
        orders.append(order)
    return pat, colleague, officer, people, orders


def test_practitioner_builds_the_record_and_probation_sees_only_what_the_policy_allows(
    signed_in_page, page, live_server, site, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    pat, colleague, officer, (person, second), (order, second_order) = _world(site)
    ContactFactory(person=person, practitioner=colleague, author_team=site.team, note=OTHER_LD_NOTE)
    ContactFactory(person=second, practitioner=pat, author_team=site.team, note=SECOND_PERSON_NOTE)
    attach(
        second,
        pat,
        name="jago court list.txt",
        title="Jago's court list",
        document_type=DocumentType.COURT_PAPERS,
        order=second_order,
    )
    outcome_due = AppointmentFactory(order=order)
    AppointmentFactory(order=second_order)
    url = live_server.url

    # The practitioner --------------------------------------------------------------
    earlier = _practitioner_logs_a_call_and_corrects_it(page, signed_in_page, pat, url, person)

    restricted = _practitioner_records_a_restricted_note(page, earlier, person)

    _practitioner_attaches_documents(page, order)

    _practitioner_raises_a_risk_to_staff_flag(page, person)

    # The probation officer supervising both orders ---------------------------------------
    _officer_sees_the_flag_but_none_of_the_notes(
        page, signed_in_page, officer, url, person, second, order, outcome_due, restricted
    )

    court, letter = _officer_downloads_while_consent_stands(page, person, url)

    # The person withdraws consent to share: the practitioner records it ------------------
    _withdrawn_consent_takes_the_gp_letter_away(
        page, signed_in_page, pat, order, url, officer, person, letter, court
    )

    # The second person on the caseload shows nothing of the first ------------------------
    _second_person_shows_nothing_of_the_first(page, url, second, second_order)


def _practitioner_logs_a_call_and_corrects_it(page, signed_in_page, pat, url, person):
    """The practitioner's record has the four sections and no flag; a long phone call is logged,
    then corrected by addendum."""
    signed_in_page(pat)
    page.goto(url + reverse("referrals:person_detail", args=[person.pk]))
    expect(_record_nav(page).get_by_role("link")).to_have_text(
        ["Overview", "Contact log", "Documents", "Risk register", "Messages"]
    )
    expect(page.locator("[data-person-risk-banner]")).to_have_count(0)
    _look(page, "01-person-practitioner")

    _go(page, "Contact log")
    expect(_record_nav(page).locator("[aria-current=page]")).to_have_text("Contact log")
    page.get_by_role("link", name="Add a contact").click()
    _look(page, "02-add-contact")
    earlier = timezone.localtime() - datetime.timedelta(minutes=20)
    page.get_by_label("Type of contact").select_option(label="Phone call")
    page.get_by_label("Date of the contact").fill(earlier.strftime("%d/%m/%Y"))
    page.get_by_label("Time of the contact").fill(earlier.strftime("%H:%M"))
    page.get_by_label("Contact made").check()
    page.get_by_label("Note").fill(LONG_NOTE)
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_text("Contact added to the log")).to_be_visible()
    call = Contact.objects.get(person=person, contact_type="phone", practitioner=pat)
    assert call.note == LONG_NOTE.strip()

    page.get_by_role("link", name="Add an addendum").click()
    page.get_by_label("Addendum", exact=True).fill(ADDENDUM)
    page.get_by_label("Reason for the addendum").fill("Time corrected")
    page.get_by_role("button", name="Save addendum").click()
    expect(page.get_by_text(ADDENDUM)).to_be_visible()
    expect(page.locator(".app-contact__note")).to_contain_text(LONG_NOTE[:80])
    _look(page, "03-call-with-addendum")
    return earlier


def _practitioner_records_a_restricted_note(page, earlier, person):
    """A safeguarding note is restricted; the team's log shows the colleague's contact, not the
    other person's."""
    _go(page, "Contact log")
    page.get_by_role("link", name="Add a contact").click()
    page.get_by_label("Type of contact").select_option(label="Liaison with housing")
    page.get_by_label("Date of the contact").fill(earlier.strftime("%d/%m/%Y"))
    page.get_by_label("Time of the contact").fill(earlier.strftime("%H:%M"))
    page.get_by_label("Information received").check()
    page.get_by_label("Note").fill(RESTRICTED)
    page.get_by_label("Safeguarding", exact=True).check()
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_text("Contact added to the log")).to_be_visible()
    restricted = Contact.objects.get(person=person, note=RESTRICTED)
    assert restricted.restriction_reason == "safeguarding"
    _go(page, "Contact log")
    expect(page.get_by_text(RESTRICTED)).to_be_visible()
    expect(page.get_by_text(OTHER_LD_NOTE)).to_be_visible()  # the team's log is the team's
    expect(page.get_by_text(SECOND_PERSON_NOTE)).to_have_count(0)
    _look(page, "04-contact-log-practitioner")
    return restricted


def _practitioner_attaches_documents(page, order):
    """A GP letter and court papers about the order; the other person's court list is not here."""
    _go(page, "Documents")
    _upload(
        page,
        name="GP letter.pdf",
        text="GP letter",
        kind="GP letter",
        order=order,
        title="Letter from Dr Okafor",
    )
    _upload(
        page,
        name="court papers.pdf",
        text="Court papers",
        kind="Court papers",
        order=order,
        title="Magistrates' court register",
    )
    expect(page.locator("table.app-documents tbody tr")).to_have_count(2)
    expect(page.get_by_text("Jago's court list")).to_have_count(0)
    _look(page, "05-documents-practitioner")


def _practitioner_raises_a_risk_to_staff_flag(page, person):
    """A risk-to-staff flag with a review date puts the banner on the person's pages."""
    _go(page, "Risk register")
    page.get_by_role("link", name="Raise a risk flag").click()
    page.get_by_label("Risk to staff").check()
    review = timezone.localdate() + datetime.timedelta(days=45)
    page.fill("input[name=next_review_on]", f"{review.day}/{review.month}/{review.year}")
    page.fill("textarea[name=note]", FLAG_NOTE)
    page.get_by_role("button", name="Raise").click()
    expect(page.get_by_text(f"Review due {review:%-d %B %Y}")).to_be_visible()
    flag = RiskFlag.objects.get(person=person)
    assert (flag.risk_type, flag.next_review_on) == ("risk_to_staff", review)
    expect(page.locator("[data-person-risk-banner]")).to_contain_text("Risk to staff")
    _look(page, "06-risk-register-practitioner")


def _officer_sees_the_flag_but_none_of_the_notes(
    page, signed_in_page, officer, url, person, second, order, outcome_due, restricted
):
    """The officer sees the flag on the caseload, person, booking and outcome pages, never its note
    or the L&D team's contacts (a restricted one's address is refused)."""
    _sign_in_as(page, signed_in_page, officer)
    page.goto(url + reverse("treatment_requirements:caseload_orders"))
    row = page.locator("tr", has=page.get_by_role("link", name=person.full_name))
    second_row = page.locator("tr", has=page.get_by_role("link", name=second.full_name))
    expect(row.locator("[data-person-marker]")).to_have_text(["Risk flag"])
    expect(second_row.locator("[data-person-marker]")).to_have_count(0)
    _look(page, "07-caseload-officer")

    page.goto(url + reverse("referrals:person_detail", args=[person.pk]))
    banner = page.locator("[data-person-risk-banner]")
    expect(banner).to_contain_text("Risk to staff")
    expect(_record_nav(page).get_by_role("link")).to_have_text(
        ["Overview", "Contact log", "Documents", "Risk register", "Messages"]
    )
    body = page.content()
    for secret in (FLAG_NOTE, RESTRICTED, LONG_NOTE[:60], ADDENDUM, OTHER_LD_NOTE):
        assert secret not in body
    _look(page, "08-person-officer")

    page.goto(url + reverse("treatment_requirements:appointment_new", args=[order.pk]))
    expect(page.locator("[data-person-risk-banner]")).to_contain_text("Risk to staff")
    assert FLAG_NOTE not in page.content()
    _look(page, "09-booking-officer")

    page.goto(
        url + reverse("treatment_requirements:appointment_outcome", args=[order.pk, outcome_due.pk])
    )
    expect(page.locator("[data-person-risk-banner]")).to_contain_text("Risk to staff")
    _look(page, "10-outcome-officer")

    page.goto(url + reverse("referrals:person_detail", args=[person.pk]))
    _go(page, "Contact log")
    for note in (RESTRICTED, LONG_NOTE[:60], OTHER_LD_NOTE, SECOND_PERSON_NOTE):
        expect(page.get_by_text(note)).to_have_count(0)
    _look(page, "11-contact-log-officer")
    refused = page.request.get(url + restricted.get_absolute_url())
    assert refused.status == 404
    assert RESTRICTED not in refused.text()


def _officer_downloads_while_consent_stands(page, person, url):
    """With consent to share standing, both documents are listed and download (the court
    papers as an attachment, never cached)."""
    _go(page, "Documents")
    rows = page.locator("table.app-documents tbody tr")
    expect(rows).to_have_count(2)  # consent to share with probation stands
    expect(page.get_by_text("Jago's court list")).to_have_count(0)
    _look(page, "12-documents-officer-consent-given")
    court, letter = (
        Document.objects.get(person=person, document_type=kind)
        for kind in (DocumentType.COURT_PAPERS, DocumentType.GP_LETTER)
    )
    download = page.request.get(url + reverse("documents:document_download", args=[court.pk]))
    assert download.status == 200
    assert download.headers["content-disposition"].startswith("attachment;")
    assert f'filename="{court.download_name}"' in download.headers["content-disposition"]
    assert download.headers["cache-control"] == "no-store, private"
    assert download.body().startswith(b"%PDF")
    with page.expect_download() as gp_download:
        rows.filter(has_text="Letter from Dr Okafor").get_by_role("link").first.click()
    assert gp_download.value.suggested_filename == letter.download_name
    return court, letter


def _withdrawn_consent_takes_the_gp_letter_away(
    page, signed_in_page, pat, order, url, officer, person, letter, court
):
    """The practitioner records the withdrawal; the officer then has the court papers only."""
    _sign_in_as(page, signed_in_page, pat)
    consent = order.referral.consents.get(share_with_probation=True)
    page.goto(url + reverse("assessments:consent_withdraw", args=[consent.pk]))
    page.get_by_label("What the person said").fill("Does not want the GP's letter shared")
    page.get_by_role("button", name="Record the withdrawal").click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()

    _sign_in_as(page, signed_in_page, officer)
    page.goto(url + reverse("documents:person_documents", args=[person.pk]))
    rows = page.locator("table.app-documents tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Magistrates' court register")
    expect(page.get_by_text("Letter from Dr Okafor")).to_have_count(0)
    _look(page, "13-documents-officer-consent-withdrawn")
    gp_refused = page.request.get(url + reverse("documents:document_download", args=[letter.pk]))
    assert gp_refused.status == 404
    assert not gp_refused.body().startswith(b"%PDF")
    court_again = page.request.get(url + reverse("documents:document_download", args=[court.pk]))
    assert court_again.status == 200


def _second_person_shows_nothing_of_the_first(page, url, second, second_order):
    page.goto(url + reverse("referrals:person_detail", args=[second.pk]))
    expect(page.locator("[data-person-risk-banner]")).to_have_count(0)
    _go(page, "Documents")
    rows = page.locator("table.app-documents tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Jago's court list")
    _go(page, "Risk register")
    expect(page.locator("[data-no-current-flags]")).to_be_visible()
    _look(page, "14-risk-register-second-person-officer")
    page.goto(url + reverse("treatment_requirements:appointment_new", args=[second_order.pk]))
    expect(page.locator("[data-person-risk-banner]")).to_have_count(0)
