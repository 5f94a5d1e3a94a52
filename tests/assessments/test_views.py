"""The screening, assessment, sign-off, consent, summary and onward-referral screens."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.enums import AuditAction
from accounts.models import AuditEvent
from assessments import services
from assessments.enums import ConsentKind
from assessments.models import Assessment, Consent, Disclosure, InstrumentResponse
from referrals.models import Vulnerability

from .conftest import errors_of
from .factories import ConsentFactory, complete_assessment, signed_assessment
from .helpers import team_assessment, typed_date

pytestmark = pytest.mark.django_db
# Screening ---------------------------------------------------------------------------


def test_screening_form_records_and_returns_to_referral(practitioner_client, referral):
    vulnerability = Vulnerability.objects.get(code="mental-health")
    data = {
        **typed_date("screened_on", timezone.localdate()),
        "vulnerabilities": [vulnerability.pk],
        "risk_level": "high",
        "urgency": "urgent",
        "decision": "full_assessment",
    }

    response = practitioner_client.post(reverse("assessments:screening", args=[referral.pk]), data)

    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "screened"
    assert list(referral.screening.vulnerabilities.all()) == [vulnerability]


def test_screening_in_the_future_gets_message_next_to_field(practitioner_client, referral):
    data = {
        **typed_date("screened_on", timezone.localdate() + datetime.timedelta(days=3)),
        "risk_level": "high",
        "urgency": "urgent",
        "decision": "full_assessment",
    }

    response = practitioner_client.post(reverse("assessments:screening", args=[referral.pk]), data)

    assert response.status_code == 400
    assert "Date screened must be today or in the past" in errors_of(response)
    referral.refresh_from_db()
    assert referral.status == "received"


def test_screening_of_another_team_is_not_found(outsider_client, referral):
    response = outsider_client.get(reverse("assessments:screening", args=[referral.pk]))

    assert response.status_code == 404
    assert referral.person.family_name not in response.content.decode()


# The referral page panel -------------------------------------------------------------


def test_referral_page_shows_start_button_after_screening(practitioner_client, screened_referral):
    response = practitioner_client.get(screened_referral.get_absolute_url())

    assert "Start the full assessment" in response.content.decode()


def test_referral_page_shows_self_harm_banner_first(practitioner_client, practitioner):
    assessment = team_assessment(practitioner)
    # Through the service, which puts the answer on the risk register (the banner's source).
    services.instrument_save(
        code="PHQ-9", answers=[0] * 8 + [2], assessment=assessment, by=practitioner
    )

    page = practitioner_client.get(assessment.referral.get_absolute_url()).content.decode()

    banner = (
        f"Risk: Self-harm or suicide, raised on {timezone.localdate():%-d %B %Y} (PHQ-9 item 9)"
    )
    assert page.count(banner) == 1
    # Above the page heading, not below the referral's details with the assessment panel.
    assert page.index(banner) < page.index('<h1 class="govuk-heading-l">Referral')


def test_start_assessment_then_task_list(practitioner_client, screened_referral):
    response = practitioner_client.post(
        reverse("assessments:assessment_start", args=[screened_referral.pk])
    )

    assessment = Assessment.objects.get(referral=screened_referral)
    assert response.url == assessment.get_absolute_url()
    page = practitioner_client.get(response.url).content.decode()
    assert "You have completed 0 of 9 sections" in page
    assert "Presenting needs" in page
    assert "Patient Health Questionnaire (PHQ-9)" in page


# Sign-off, immutability and addenda --------------------------------------------------


def test_signing_incomplete_lists_what_is_missing(practitioner_client, practitioner):
    assessment = team_assessment(practitioner)

    response = practitioner_client.post(
        reverse("assessments:sign", args=[assessment.pk]), {"version": assessment.version}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Presenting needs: enter the presenting needs" in html
    assert "Consent: record that the person consents to be assessed" in html
    assessment.refresh_from_db()
    assert assessment.status == "draft"


def test_signing_complete_assessment(practitioner_client, practitioner):
    assessment = complete_assessment(
        referral__person__team=practitioner.team, referral__person__created_by=practitioner
    )

    response = practitioner_client.post(
        reverse("assessments:sign", args=[assessment.pk]), {"version": assessment.version}
    )

    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == "signed"
    assert assessment.referral.status == "assessed"


def test_editing_signed_assessment_is_refused_and_nothing_changes(
    practitioner_client, practitioner
):
    assessment = signed_assessment(
        referral__person__team=practitioner.team, referral__person__created_by=practitioner
    )

    response = practitioner_client.post(
        reverse("assessments:section", args=[assessment.pk, "formulation"]),
        {"formulation": "Rewritten", "care_threshold": "secondary", "version": assessment.version},
    )
    instrument = practitioner_client.post(
        reverse("assessments:instrument", args=[assessment.pk, "gad-7"]),
        {f"item_{n}": "0" for n in range(1, 8)},
    )

    assert response.status_code == 409
    assert instrument.status_code == 409
    assert "This assessment was signed and cannot be changed" in errors_of(response)
    assessment.refresh_from_db()
    assert assessment.formulation == "Depression maintained by housing loss and alcohol use."
    assert assessment.care_threshold == "primary"
    assert not InstrumentResponse.objects.filter(assessment=assessment).exists()


def test_addendum_is_shown_beside_the_original(practitioner_client, practitioner):
    assessment = signed_assessment(
        referral__person__team=practitioner.team, referral__person__created_by=practitioner
    )

    practitioner_client.post(
        reverse("assessments:addendum", args=[assessment.pk]),
        {"section": "physical_health", "reason": "GP letter received", "text": "Also COPD."},
    )

    html = practitioner_client.get(assessment.get_absolute_url()).content.decode()
    original_at = html.index("Asthma, uses inhaler.")
    addendum_at = html.index("Also COPD.")
    assert original_at < addendum_at < html.index("Trauma and safeguarding")
    assert "Reason: GP letter received" in html


def test_addendum_without_reason_is_refused(practitioner_client, practitioner):
    assessment = signed_assessment(
        referral__person__team=practitioner.team, referral__person__created_by=practitioner
    )

    response = practitioner_client.post(
        reverse("assessments:addendum", args=[assessment.pk]), {"text": "Also COPD."}
    )

    assert response.status_code == 400
    assert "Enter the reason for the addendum" in errors_of(response)
    assert not assessment.addenda.exists()


# Consent and the printable summary ---------------------------------------------------


def test_summary_without_consent_says_nothing_can_be_shared(practitioner_client, practitioner):
    assessment = signed_assessment(
        referral__person__team=practitioner.team, referral__person__created_by=practitioner
    )

    html = practitioner_client.get(
        reverse("assessments:summary", args=[assessment.pk])
    ).content.decode()

    assert "Nothing from this assessment can be shared with court" in html
    assert "Depression maintained by housing loss" not in html
    assert not Disclosure.objects.exists()


def test_summary_with_consent_shows_assessment_and_records_disclosure(
    practitioner_client, practitioner
):
    assessment = signed_assessment(
        referral__person__team=practitioner.team, referral__person__created_by=practitioner
    )
    ConsentFactory(referral=assessment.referral, share_with_court=True)

    html = practitioner_client.get(
        reverse("assessments:summary", args=[assessment.pk]) + "?for=court"
    ).content.decode()

    assert "Depression maintained by housing loss" in html
    assert "Reports childhood trauma" not in html
    assert Disclosure.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 1


def test_summary_for_agency_outside_consent_is_withheld(practitioner_client, practitioner):
    assessment = signed_assessment(
        referral__person__team=practitioner.team, referral__person__created_by=practitioner
    )
    ConsentFactory(referral=assessment.referral, share_with_court=True)

    html = practitioner_client.get(
        reverse("assessments:summary", args=[assessment.pk]) + "?for=police"
    ).content.decode()

    assert "does not include police" in html
    assert "Depression maintained" not in html


def test_withdrawing_consent_after_sharing_warns_and_stops_sharing(
    practitioner_client, practitioner
):
    assessment = signed_assessment(
        referral__person__team=practitioner.team, referral__person__created_by=practitioner
    )
    consent = ConsentFactory(referral=assessment.referral, share_with_court=True)
    summary = reverse("assessments:summary", args=[assessment.pk])
    practitioner_client.get(summary)

    response = practitioner_client.post(
        reverse("assessments:consent_withdraw", args=[consent.pk]),
        {**typed_date("withdrawn_on", timezone.localdate()), "reason": "Changed their mind"},
        follow=True,
    )

    html = response.content.decode()
    assert "had already been shared 1 time" in html
    assert "tell Court that consent has been withdrawn" in html
    after = practitioner_client.get(summary).content.decode()
    assert "withdrew their consent to share" in after
    assert Disclosure.objects.count() == 1


def test_consent_form_records_share_consent(practitioner_client, referral):
    response = practitioner_client.post(
        reverse("assessments:consent_record", args=[referral.pk]),
        {
            "kind": ConsentKind.TO_SHARE,
            "given": "yes",
            "agencies": ["court", "probation"],
            **typed_date("given_on", timezone.localdate()),
        },
    )

    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.agencies() == ["court", "probation"]
    assert consent.recorded_by.username == "practitioner"


def test_consent_dated_in_future_is_refused(practitioner_client, referral):
    response = practitioner_client.post(
        reverse("assessments:consent_record", args=[referral.pk]),
        {
            "kind": ConsentKind.TO_BE_ASSESSED,
            "given": "yes",
            **typed_date("given_on", timezone.localdate() + datetime.timedelta(days=1)),
        },
    )

    assert response.status_code == 400
    assert "Date of the decision must be today or in the past" in errors_of(response)
    assert not Consent.objects.exists()


# Onward referrals --------------------------------------------------------------------


def test_onward_referral_and_outcome(practitioner_client, referral):
    practitioner_client.post(
        reverse("assessments:onward_record", args=[referral.pk]),
        {
            "service": "womens_centre",
            "service_name": "Oasis Women's Centre",
            **typed_date("referred_on", timezone.localdate()),
            "reason": "Support with housing and domestic abuse",
        },
    )
    onward = referral.onward_referrals.get()

    practitioner_client.post(
        reverse("assessments:onward_outcome", args=[onward.pk]),
        {"outcome": "attended", **typed_date("outcome_on", timezone.localdate())},
    )

    onward.refresh_from_db()
    assert onward.outcome == "attended"
    page = practitioner_client.get(referral.get_absolute_url()).content.decode()
    assert "First appointment attended" in page


def test_every_view_of_an_assessment_is_audited(practitioner_client, practitioner):
    assessment = team_assessment(practitioner)

    practitioner_client.get(assessment.get_absolute_url())

    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, person_id=assessment.referral.person_id
    ).exists()
