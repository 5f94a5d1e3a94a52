"""instrument_save and the instrument results: drafts are never scored, a complete instrument
is, the self-harm flag is stored on every save (and put on the person's risk register), and
the unscored difficulty question.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessments import instruments, selectors, services
from assessments.models import InstrumentResponse
from risks.models import RiskFlag
from tests.factories import PersonFactory

from .factories import AssessmentFactory

pytestmark = pytest.mark.django_db


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
