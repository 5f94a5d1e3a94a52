import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.enums import AuditAction
from accounts.models import AuditEvent
from assessments import instruments, selectors, services
from assessments.enums import ConsentKind, ScreeningDecision
from assessments.models import Assessment, InstrumentResponse, Screening
from core.concurrency import StaleEditError
from referrals.enums import ClosureReason, ReferralStatus
from risks.models import RiskFlag
from tests.factories import PersonFactory

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


def test_partial_instrument_is_a_draft_and_never_scored(practitioner):
    assessment = AssessmentFactory()

    response = services.instrument_save(
        code="PHQ-9",
        answers=[3, 3, 3, None, None, None, None, None, None],
        assessment=assessment,
        by=practitioner,
    )

    response.refresh_from_db()
    assert (response.is_complete, response.total, response.band) == (False, None, "")
    assert response.answers == [3, 3, 3, None, None, None, None, None, None]


def test_completing_instrument_scores_it_and_raises_flag(practitioner):
    assessment = AssessmentFactory()
    services.instrument_save(
        code="PHQ-9", answers=[2] * 4 + [None] * 5, assessment=assessment, by=practitioner
    )

    response = services.instrument_save(
        code="PHQ-9", answers=[2] * 8 + [1], assessment=assessment, by=practitioner
    )

    assert (response.total, response.band, response.flags) == (
        17,
        "moderately_severe",
        ["self_harm"],
    )
    assert InstrumentResponse.objects.filter(assessment=assessment).count() == 1
    assert selectors.self_harm_flagged(assessment)


def test_instrument_answer_out_of_range_is_refused_naming_item(practitioner):
    assessment = AssessmentFactory()

    with pytest.raises(ValidationError, match="AUDIT item 9: 3 is not one of 0, 2, 4"):
        services.instrument_save(
            code="AUDIT", answers=[0] * 8 + [3, 0], assessment=assessment, by=practitioner
        )
    assert not InstrumentResponse.objects.exists()


def test_standalone_instrument_records_a_new_response_each_time(practitioner):
    person = PersonFactory()

    services.instrument_save(code="GAD-7", answers=[1] * 7, person=person, by=practitioner)
    services.instrument_save(code="GAD-7", answers=[0] * 7, person=person, by=practitioner)

    assert InstrumentResponse.objects.filter(person=person, assessment=None).count() == 2
    assert selectors.latest_instrument_results(person=person)["GAD-7"].total == 0


def test_latest_instrument_results_skip_drafts(practitioner):
    person = PersonFactory()
    services.instrument_save(code="GAD-7", answers=[1] * 7, person=person, by=practitioner)
    services.instrument_save(code="GAD-7", answers=[0] + [None] * 6, person=person, by=practitioner)

    results = selectors.latest_instrument_results(person=person)

    assert list(results) == ["GAD-7"]
    assert results["GAD-7"].total == 7


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


# The self-harm flag is stored on every save, draft or complete ------------------------


@pytest.mark.parametrize(
    ("item_9", "flags"),
    [(0, []), (1, ["self_harm"]), (2, ["self_harm"]), (3, ["self_harm"]), (None, [])],
)
def test_draft_phq9_stores_the_self_harm_flag_from_item_9_alone(practitioner, item_9, flags):
    assessment = AssessmentFactory()

    response = services.instrument_save(
        code="PHQ-9", answers=[None] * 8 + [item_9], assessment=assessment, by=practitioner
    )

    response.refresh_from_db()
    assert (response.is_complete, response.total, response.flags) == (False, None, flags)
    assert (response.self_harm_recorded_at is not None) == bool(flags)
    assert selectors.self_harm_flagged(assessment) == bool(flags)


def test_draft_flag_keeps_the_time_it_was_first_recorded(practitioner, time_machine):
    assessment = AssessmentFactory()
    time_machine.move_to(datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC), tick=False)
    services.instrument_save(
        code="PHQ-9", answers=[None] * 8 + [1], assessment=assessment, by=practitioner
    )
    time_machine.move_to(datetime.datetime(2026, 3, 4, 10, 0, tzinfo=datetime.UTC), tick=False)

    response = services.instrument_save(
        code="PHQ-9", answers=[1] * 8 + [2], assessment=assessment, by=practitioner
    )

    assert response.is_complete
    assert response.flags == ["self_harm"]
    assert response.self_harm_recorded_at == datetime.datetime(
        2026, 3, 2, 10, 0, tzinfo=datetime.UTC
    )


def test_draft_answer_corrected_to_zero_clears_the_flag(practitioner):
    assessment = AssessmentFactory()
    services.instrument_save(
        code="PHQ-9", answers=[None] * 8 + [2], assessment=assessment, by=practitioner
    )

    response = services.instrument_save(
        code="PHQ-9", answers=[1] + [None] * 7 + [0], assessment=assessment, by=practitioner
    )

    response.refresh_from_db()
    assert (response.flags, response.self_harm_recorded_at) == ([], None)
    assert not selectors.self_harm_flagged(assessment)


def test_signed_assessment_keeps_its_flag_and_refuses_a_correction(practitioner):
    assessment = AssessmentFactory()
    services.instrument_save(
        code="PHQ-9", answers=[0] * 8 + [1], assessment=assessment, by=practitioner
    )
    signed = assessment
    signed.status = "signed"
    signed.signed_at = timezone.now()
    signed.signed_by = practitioner
    signed.save()

    with pytest.raises(ValidationError, match="cannot be changed"):
        services.instrument_save(code="PHQ-9", answers=[0] * 9, assessment=signed, by=practitioner)
    assert InstrumentResponse.objects.get(assessment=signed).flags == ["self_harm"]


def test_other_instruments_store_no_flag_on_a_draft(practitioner):
    assessment = AssessmentFactory()

    response = services.instrument_save(
        code="GAD-7", answers=[3] * 6 + [None], assessment=assessment, by=practitioner
    )

    assert (response.flags, response.self_harm_recorded_at) == ([], None)


def test_person_risk_flags_follow_the_person_across_referrals(practitioner, site):
    person = PersonFactory(team=practitioner.team)
    first = AssessmentFactory(referral__person=person, referral__site=site)
    AssessmentFactory(referral__person=person, referral__site=site)
    other = AssessmentFactory(referral__person=PersonFactory(team=practitioner.team))
    services.instrument_save(
        code="PHQ-9", answers=[None] * 8 + [3], assessment=first, by=practitioner
    )
    services.instrument_save(code="PHQ-9", answers=[0] * 9, assessment=other, by=practitioner)

    # Since issue 14 the flag is an entry on the person's risk register (risks app).
    flags = RiskFlag.objects.current().filter(person=person)

    assert [(f.risk_type, f.source, f.raised_on) for f in flags] == [
        ("self_harm", "phq9_item_9", timezone.localdate())
    ]
    assert not RiskFlag.objects.filter(person=other.referral.person).exists()


def test_person_risk_register_keeps_the_first_recording_once(practitioner, time_machine):
    """Outcome measures record a new response each time; the register keeps one current
    self-harm entry, raised on the first answer (it was "latest recording" before issue 14)."""
    person = PersonFactory(team=practitioner.team)
    time_machine.move_to(datetime.datetime(2026, 1, 5, 12, 0, tzinfo=datetime.UTC), tick=False)
    services.instrument_save(code="PHQ-9", answers=[1] * 9, person=person, by=practitioner)
    time_machine.move_to(datetime.datetime(2026, 2, 9, 12, 0, tzinfo=datetime.UTC), tick=False)
    services.instrument_save(code="PHQ-9", answers=[2] * 9, person=person, by=practitioner)
    services.instrument_save(code="PHQ-9", answers=[0] * 9, person=person, by=practitioner)

    flags = RiskFlag.objects.current().filter(person=person)

    assert [f.raised_on for f in flags] == [datetime.date(2026, 1, 5)]


# The unscored difficulty question -----------------------------------------------------


@pytest.mark.parametrize("difficulty", [None, 0, 1, 2, 3])
def test_difficulty_answer_is_stored_and_never_changes_the_score(practitioner, difficulty):
    assessment = AssessmentFactory()

    response = services.instrument_save(
        code="PHQ-9",
        answers=[1] * 9,
        difficulty=difficulty,
        assessment=assessment,
        by=practitioner,
    )

    response.refresh_from_db()
    assert (response.total, response.band, response.difficulty) == (9, "mild", difficulty)


@pytest.mark.parametrize("difficulty", [0, 3])
def test_difficulty_is_not_needed_for_completeness_and_does_not_complete(practitioner, difficulty):
    assessment = AssessmentFactory()

    draft = services.instrument_save(
        code="GAD-7",
        answers=[2] * 6 + [None],
        difficulty=difficulty,
        assessment=assessment,
        by=practitioner,
    )
    assert (draft.is_complete, draft.total) == (False, None)

    scored = services.instrument_save(
        code="GAD-7", answers=[2] * 7, assessment=assessment, by=practitioner
    )
    assert (scored.is_complete, scored.total, scored.difficulty) == (True, 14, None)


@pytest.mark.parametrize(("code", "difficulty"), [("PHQ-9", 4), ("AUDIT-C", 1)])
def test_difficulty_outside_the_question_is_refused(practitioner, code, difficulty):
    assessment = AssessmentFactory()
    answers = [0] * len(instruments.get(code).items)

    with pytest.raises(ValidationError, match=code):
        services.instrument_save(
            code=code,
            answers=answers,
            difficulty=difficulty,
            assessment=assessment,
            by=practitioner,
        )
    assert not InstrumentResponse.objects.exists()


def test_leaving_a_flagged_item_blank_again_is_refused_and_the_flag_kept(practitioner):
    assessment = AssessmentFactory()
    services.instrument_save(
        code="PHQ-9", answers=[None] * 8 + [2], assessment=assessment, by=practitioner
    )

    with pytest.raises(
        ValidationError, match="PHQ-9 question 9 was answered and raised a self-harm flag"
    ):
        services.instrument_save(
            code="PHQ-9", answers=[1] * 8 + [None], assessment=assessment, by=practitioner
        )

    response = InstrumentResponse.objects.get(assessment=assessment)
    assert (response.answers, response.flags) == ([None] * 8 + [2], ["self_harm"])


def test_a_new_standalone_response_without_item_9_does_not_touch_an_earlier_flag(practitioner):
    person = PersonFactory()
    services.instrument_save(code="PHQ-9", answers=[0] * 8 + [1], person=person, by=practitioner)

    services.instrument_save(code="PHQ-9", answers=[0] * 8 + [None], person=person, by=practitioner)

    assert list(
        RiskFlag.objects.current().filter(person=person).values_list("risk_type", flat=True)
    ) == ["self_harm"]
