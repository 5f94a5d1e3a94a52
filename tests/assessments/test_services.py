"""The assessments services: screening, starting and saving the assessment, sign-off and
addenda, consent and sharing, onward referrals. Instruments: test_instrument_services.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.enums import AuditAction
from accounts.models import AuditEvent
from assessments import selectors, services
from assessments.enums import ConsentKind, ScreeningDecision
from assessments.models import Assessment, Screening
from core.concurrency import StaleEditError
from referrals.enums import ClosureReason, ReferralStatus

from .factories import (
    AssessmentFactory,
    ConsentFactory,
    InstrumentResponseFactory,
    OnwardReferralFactory,
    complete_assessment,
    signed_assessment,
)

pytestmark = pytest.mark.django_db


def _screening_data(**overrides):
    return {
        "screened_on": timezone.localdate(),
        "risk_level": "medium",
        "urgency": "urgent",
        "decision": ScreeningDecision.FULL_ASSESSMENT,
        **overrides,
    }


def test_screening_moves_referral_to_screened_and_stamps_time(referral, practitioner):
    services.screening_complete(referral=referral, data=_screening_data(), by=practitioner)

    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SCREENED
    assert referral.screened_at is not None


def test_screening_no_further_action_closes_with_coded_reason(referral, practitioner):
    services.screening_complete(
        referral=referral,
        data=_screening_data(
            decision=ScreeningDecision.NO_FURTHER_ACTION,
            no_further_action_reason=ClosureReason.DECLINED,
        ),
        by=practitioner,
    )

    referral.refresh_from_db()
    assert (referral.status, referral.closure_reason) == ("closed", ClosureReason.DECLINED)
    assert referral.screened_at is not None


def test_screening_onward_only_closes_as_onward_referral(referral, practitioner):
    services.screening_complete(
        referral=referral,
        data=_screening_data(decision=ScreeningDecision.ONWARD_REFERRAL_ONLY),
        by=practitioner,
    )

    referral.refresh_from_db()
    assert (referral.status, referral.closure_reason) == ("closed", ClosureReason.ONWARD_REFERRAL)


def test_screening_no_further_action_without_reason_saves_nothing(referral, practitioner):
    with pytest.raises(ValidationError, match="Select why no further action"):
        services.screening_complete(
            referral=referral,
            data=_screening_data(decision=ScreeningDecision.NO_FURTHER_ACTION),
            by=practitioner,
        )

    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RECEIVED
    assert not Screening.objects.exists()


def test_screening_dated_in_the_future_is_refused(referral, practitioner):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    with pytest.raises(ValidationError, match="Date screened must be today or in the past"):
        services.screening_complete(
            referral=referral, data=_screening_data(screened_on=tomorrow), by=practitioner
        )
    assert not Screening.objects.exists()


def test_screening_dated_before_the_referral_is_refused(referral, practitioner):
    before = timezone.localtime(referral.received_at).date() - datetime.timedelta(days=1)

    message = f"Date screened must be on or after {before + datetime.timedelta(days=1):%-d %B %Y}, "
    with pytest.raises(ValidationError, match=message + "the day the referral was received"):
        services.screening_complete(
            referral=referral, data=_screening_data(screened_on=before), by=practitioner
        )


def test_second_screening_is_refused(screened_referral, practitioner):
    with pytest.raises(ValidationError, match="already been screened"):
        services.screening_complete(
            referral=screened_referral, data=_screening_data(), by=practitioner
        )


def test_assessment_start_needs_a_full_assessment_decision(referral, practitioner):
    with pytest.raises(ValidationError, match="Complete a screening"):
        services.assessment_start(referral=referral, by=practitioner)
    assert not Assessment.objects.exists()


def test_assessment_start_is_idempotent(screened_referral, practitioner):
    first = services.assessment_start(referral=screened_referral, by=practitioner)
    second = services.assessment_start(referral=screened_referral, by=practitioner)

    assert first.pk == second.pk


def test_section_save_refuses_stale_version(practitioner):
    assessment = AssessmentFactory()
    services.assessment_section_save(
        assessment=assessment,
        section_key="physical_health",
        data={"physical_health": "Asthma"},
        expected_version=assessment.version,
        by=practitioner,
    )
    stale = Assessment.objects.get(pk=assessment.pk)

    with pytest.raises(StaleEditError):
        services.assessment_section_save(
            assessment=stale,
            section_key="physical_health",
            data={"physical_health": "Diabetes"},
            expected_version=1,
            by=practitioner,
        )
    assert Assessment.objects.get(pk=assessment.pk).physical_health == "Asthma"


def test_assessment_dated_in_the_future_is_refused(practitioner):
    assessment = AssessmentFactory()

    with pytest.raises(ValidationError, match="Date of assessment must be today or in the past"):
        services.assessment_section_save(
            assessment=assessment,
            section_key="presenting",
            data={
                "assessed_on": timezone.localdate() + datetime.timedelta(days=2),
                "presenting_needs": "Low mood",
            },
            expected_version=assessment.version,
            by=practitioner,
        )
    assert Assessment.objects.get(pk=assessment.pk).presenting_needs == ""


def test_sign_incomplete_lists_exactly_what_is_missing(practitioner):
    assessment = complete_assessment(formulation="", care_threshold="")
    InstrumentResponseFactory(
        assessment=assessment,
        code="AUDIT",
        answers=[1] * 5 + [None] * 5,
        is_complete=False,
        total=None,
        band="",
        completed_at=None,
    )

    with pytest.raises(ValidationError) as caught:
        services.assessment_sign(
            assessment=assessment, by=practitioner, expected_version=assessment.version
        )

    assert caught.value.messages == [
        "Formulation and care threshold: enter the formulation",
        "Formulation and care threshold: select the mental-health care threshold",
        "AUDIT is partly answered (5 of 10 items): finish it or discard it",
    ]
    assessment.refresh_from_db()
    assert assessment.status == "draft"


def test_sign_needs_consent_to_be_assessed(practitioner):
    assessment = complete_assessment()
    assessment.referral.consents.all().delete()

    with pytest.raises(ValidationError, match="consents to be assessed"):
        services.assessment_sign(
            assessment=assessment, by=practitioner, expected_version=assessment.version
        )


def test_sign_moves_referral_to_assessed_and_locks(practitioner):
    assessment = complete_assessment()

    services.assessment_sign(
        assessment=assessment, by=practitioner, expected_version=assessment.version
    )

    assessment.refresh_from_db()
    assessment.referral.refresh_from_db()
    assert (assessment.status, assessment.signed_by) == ("signed", practitioner)
    assert assessment.referral.status == ReferralStatus.ASSESSED
    assert assessment.referral.assessed_at is not None
    assert AuditEvent.objects.filter(action=AuditAction.SIGN, object_id=str(assessment.pk)).exists()
    with pytest.raises(ValidationError, match="cannot be changed"):
        services.assessment_section_save(
            assessment=assessment,
            section_key="formulation",
            data={"formulation": "changed"},
            expected_version=assessment.version,
            by=practitioner,
        )
    with pytest.raises(ValidationError, match="cannot be changed"):
        services.instrument_save(
            code="GAD-7", answers=[0] * 7, assessment=assessment, by=practitioner
        )


def test_addendum_keeps_original_and_is_audited(practitioner):
    assessment = signed_assessment()

    addendum = services.addendum_add(
        assessment=assessment,
        reason="GP records received",
        text="Diagnosed with PTSD in 2021.",
        section="mental_health",
        by=practitioner,
    )

    assessment.refresh_from_db()
    assert assessment.mental_health_history == "Treated for depression by GP in 2022."
    assert list(assessment.addenda.all()) == [addendum]
    assert AuditEvent.objects.filter(object_type="assessments.addendum").count() == 1


def test_addendum_to_a_draft_is_refused(practitioner):
    with pytest.raises(ValidationError, match="addenda are for signed"):
        services.addendum_add(assessment=AssessmentFactory(), reason="x", text="y", by=practitioner)


def test_assessment_for_sharing_needs_current_consent(practitioner):
    assessment = signed_assessment()
    assert selectors.assessment_for_sharing(assessment=assessment) is None

    consent = services.consent_record(
        referral=assessment.referral,
        kind=ConsentKind.TO_SHARE,
        given=True,
        given_on=timezone.localdate(),
        agencies=["court", "probation"],
        by=practitioner,
    )
    assert selectors.assessment_for_sharing(assessment=assessment) == assessment
    assert selectors.assessment_for_sharing(assessment=assessment, agency="probation") == assessment
    assert selectors.assessment_for_sharing(assessment=assessment, agency="police") is None

    services.consent_withdraw(consent=consent, withdrawn_on=timezone.localdate(), by=practitioner)
    assert selectors.assessment_for_sharing(assessment=assessment) is None
    assert not selectors.consent_to_share_given(assessment)


def test_draft_assessment_is_never_shared_even_with_consent():
    assessment = complete_assessment()
    ConsentFactory(referral=assessment.referral, kind=ConsentKind.TO_SHARE, share_with_court=True)

    assert selectors.consent_to_share_given(assessment)
    assert selectors.assessment_for_sharing(assessment=assessment) is None


def test_consent_withdrawal_keeps_history(practitioner):
    assessment = signed_assessment()
    consent = services.consent_record(
        referral=assessment.referral,
        kind=ConsentKind.TO_SHARE,
        given=True,
        given_on=timezone.localdate(),
        agencies=["court"],
        by=practitioner,
    )

    services.consent_withdraw(
        consent=consent, withdrawn_on=timezone.localdate(), reason="Changed mind", by=practitioner
    )

    consent.refresh_from_db()
    assert consent.given and consent.share_with_court
    assert (consent.withdrawn_on, consent.withdrawn_by) == (timezone.localdate(), practitioner)


def test_consent_withdrawn_twice_is_refused(practitioner):
    consent = ConsentFactory(withdrawn_on=timezone.localdate())

    with pytest.raises(ValidationError, match="already withdrawn"):
        services.consent_withdraw(
            consent=consent, withdrawn_on=timezone.localdate(), by=practitioner
        )


def test_consent_to_share_without_agencies_is_refused(referral, practitioner):
    with pytest.raises(ValidationError, match="Select who the person agrees to share with"):
        services.consent_record(
            referral=referral,
            kind=ConsentKind.TO_SHARE,
            given=True,
            given_on=timezone.localdate(),
            agencies=[],
            by=practitioner,
        )


def test_consent_dated_before_referral_is_refused(referral, practitioner):
    with pytest.raises(
        ValidationError,
        match="Date of the decision must be on or after .*, the day the referral was received",
    ):
        services.consent_record(
            referral=referral,
            kind=ConsentKind.TO_BE_ASSESSED,
            given=True,
            given_on=datetime.date(2000, 1, 1),
            by=practitioner,
        )


def test_onward_outcome_needs_a_date_not_before_referral(practitioner):
    onward = OnwardReferralFactory()

    with pytest.raises(ValidationError, match="Enter the date of the outcome"):
        services.onward_referral_outcome(
            onward=onward, outcome="attended", outcome_on=None, by=practitioner
        )
    referred = f"{onward.referred_on:%-d %B %Y}"
    message = f"Date of the outcome must be on or after the date referred \\({referred}\\)"
    with pytest.raises(ValidationError, match=message):
        services.onward_referral_outcome(
            onward=onward,
            outcome="attended",
            outcome_on=onward.referred_on - datetime.timedelta(days=1),
            by=practitioner,
        )

    services.onward_referral_outcome(
        onward=onward, outcome="attended", outcome_on=onward.referred_on, by=practitioner
    )
    onward.refresh_from_db()
    assert onward.get_outcome_display() == "First appointment attended"
