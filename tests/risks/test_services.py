"""Raising, reviewing and removing flags: the rules applied, history kept, audited with ids
only, stale edits refused; and the PHQ-9 self-harm answer raising exactly one entry."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from accounts.models import AuditEvent
from assessments import services as assessment_services
from assessments.models import InstrumentResponse
from assessments.services.assessment import PHQ9_FLAG_NOTE
from core.concurrency import StaleEditError
from risks import rules
from risks.enums import RiskEventKind, RiskSource, RiskType
from risks.models import RiskFlag
from risks.services import risk_flag_remove, risk_flag_review
from tests.assessments.factories import AssessmentFactory
from tests.factories import PersonFactory, ReferralFactory

from .factories import days, raise_flag

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(practitioner):
    return [
        PersonFactory(team=practitioner.team, given_name=n, family_name="Riskwell")
        for n in ("Ada", "Ben", "Cas")
    ]


def test_raise_defaults_the_review_by_type_and_writes_history_and_audit(practitioner, people):
    today = rules.today()

    staff = raise_flag(people[0], practitioner, note="Threw a chair in custody.")
    self_harm = raise_flag(people[1], practitioner, risk_type=RiskType.SELF_HARM)

    assert staff.next_review_on == rules.default_review_date(RiskType.RISK_TO_STAFF, today)
    assert self_harm.next_review_on == rules.default_review_date(RiskType.SELF_HARM, today)
    assert staff.next_review_on > self_harm.next_review_on
    assert staff.team == practitioner.team and staff.raised_on == today
    assert list(staff.events.values_list("kind", "next_review_on")) == [
        (RiskEventKind.RAISED, staff.next_review_on)
    ]
    entry = AuditEvent.objects.get(object_type="risks.riskflag", object_id=str(staff.pk))
    assert (entry.person_id, entry.detail) == (people[0].pk, "risk flag raised")
    assert "chair" not in entry.detail and "Riskwell" not in entry.detail


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"risk_type": RiskType.MAPPA}, {"mappa_category", "mappa_level"}),
        ({"risk_type": RiskType.MAPPA, "mappa_category": 1}, {"mappa_level"}),
        ({"risk_type": RiskType.ROSH}, {"rosh_level"}),
        ({"risk_type": RiskType.WEAPONS, "rosh_level": "high"}, {"rosh_level"}),
        ({"raised_on": "tomorrow"}, {"raised_on"}),
        ({"next_review_on": "yesterday"}, {"next_review_on"}),
        ({"raised_on": "-10", "next_review_on": "-11"}, {"next_review_on"}),
    ],
)
def test_raise_refuses_bad_details_and_saves_nothing(practitioner, people, fields, errors):
    today = rules.today()
    named = {"tomorrow": today + days(1), "yesterday": today - days(1)}
    fields = {
        key: named.get(value, today + days(int(value)) if str(value).startswith("-") else value)
        if key in ("raised_on", "next_review_on")
        else value
        for key, value in fields.items()
    }
    fields.setdefault("risk_type", RiskType.RISK_TO_STAFF)

    with pytest.raises(ValidationError) as caught:
        raise_flag(people[0], practitioner, **fields)

    assert set(caught.value.error_dict) == errors
    assert not RiskFlag.objects.exists()
    assert not AuditEvent.objects.filter(object_type="risks.riskflag").exists()


def test_mappa_and_rosh_keep_their_details(practitioner, people):
    mappa = raise_flag(
        people[0], practitioner, risk_type=RiskType.MAPPA, mappa_category=2, mappa_level=3
    )
    rosh = raise_flag(people[1], practitioner, risk_type=RiskType.ROSH, rosh_level="very_high")

    assert mappa.details == "MAPPA category 2, level 3"
    assert rosh.details == "ROSH: very high"


def test_a_past_raised_date_whose_default_review_has_passed_needs_a_date(practitioner, people):
    long_ago = rules.today() - datetime.timedelta(days=120)

    with pytest.raises(ValidationError) as caught:
        raise_flag(people[0], practitioner, raised_on=long_ago)

    assert caught.value.message_dict == {
        "next_review_on": ["Next review date must be today or in the future"]
    }


def test_review_moves_the_date_and_keeps_the_history(practitioner, team_lead, people):
    flag = raise_flag(people[0], practitioner)
    today = rules.today()

    risk_flag_review(
        flag=flag,
        expected_version=flag.version,
        reviewed_on=today,
        next_review_on=today + days(30),
        note="Calm at the last two contacts; keep for now.",
        by=team_lead,
    )

    flag.refresh_from_db()
    assert (flag.last_reviewed_on, flag.next_review_on, flag.version) == (
        today,
        today + days(30),
        2,
    )
    assert list(flag.events.values_list("kind", "by__username", "note")) == [
        (RiskEventKind.RAISED, practitioner.username, ""),
        (
            RiskEventKind.REVIEWED,
            team_lead.username,
            "Calm at the last two contacts; keep for now.",
        ),
    ]


def test_review_from_a_stale_form_is_refused(practitioner, team_lead, people):
    flag = raise_flag(people[0], practitioner)
    opened_at = flag.version
    today = rules.today()
    risk_flag_review(
        flag=flag,
        expected_version=opened_at,
        reviewed_on=today,
        next_review_on=today + days(10),
        note="First.",
        by=team_lead,
    )

    with pytest.raises(StaleEditError):
        risk_flag_review(
            flag=flag,
            expected_version=opened_at,
            reviewed_on=today,
            next_review_on=today + days(90),
            note="Second, from an old page.",
            by=practitioner,
        )

    flag.refresh_from_db()
    assert flag.next_review_on == today + days(10)
    assert flag.events.filter(kind=RiskEventKind.REVIEWED).count() == 1


def test_review_dates_are_checked(practitioner, people):
    flag = raise_flag(people[0], practitioner)
    today = rules.today()

    with pytest.raises(ValidationError) as caught:
        risk_flag_review(
            flag=flag,
            expected_version=flag.version,
            reviewed_on=today,
            next_review_on=today - days(1),
            note="Still there.",
            by=practitioner,
        )
    assert caught.value.message_dict == {
        "next_review_on": ["Next review date must be today or in the future"]
    }
    with pytest.raises(ValidationError) as caught:
        risk_flag_review(
            flag=flag,
            expected_version=flag.version,
            reviewed_on=today,
            next_review_on=today + days(5),
            note="  ",
            by=practitioner,
        )
    assert caught.value.message_dict == {"note": ["Enter a note"]}


def test_removal_needs_a_reason_and_keeps_the_flag_with_its_history(practitioner, people):
    flag = raise_flag(people[0], practitioner, note="Carried a knife on arrest.")
    with pytest.raises(ValidationError):
        risk_flag_remove(flag=flag, expected_version=flag.version, reason="", by=practitioner)

    risk_flag_remove(
        flag=flag,
        expected_version=flag.version,
        reason="Charges dropped; no weapon found.",
        by=practitioner,
    )

    flag.refresh_from_db()
    assert flag.removed_on == rules.today() and not flag.is_current
    assert flag.note == "Carried a knife on arrest."
    assert list(flag.events.values_list("kind", flat=True)) == ["raised", "removed"]
    assert RiskFlag.objects.current().filter(person=people[0]).count() == 0
    with pytest.raises(ValidationError, match="has been removed"):
        risk_flag_remove(flag=flag, expected_version=flag.version, reason="Again.", by=practitioner)


# PHQ-9 item 9 raises the register entry ---------------------------------------------------


@pytest.fixture
def assessed(practitioner, site, people):
    """Two referrals (two assessments) for Ada, one for Ben."""
    return [
        AssessmentFactory(referral=ReferralFactory(person=person, site=site))
        for person in (people[0], people[0], people[1])
    ]


def _phq9(assessment, by, item_9, others=None):
    answers = (others or [None] * 8) + [item_9]
    return assessment_services.instrument_save(
        code="PHQ-9", answers=answers, assessment=assessment, by=by
    )


def _self_harm_flags(person):
    return RiskFlag.objects.filter(person=person, risk_type=RiskType.SELF_HARM)


def test_item_9_on_a_partial_draft_raises_one_entry_owned_by_the_assessing_team(
    practitioner, assessed, people
):
    response = _phq9(assessed[0], practitioner, 2)

    flag = _self_harm_flags(people[0]).get()
    assert (flag.source, flag.team, flag.raised_by) == (
        RiskSource.PHQ9_ITEM_9,
        assessed[0].referral.team,
        practitioner,
    )
    assert flag.note == PHQ9_FLAG_NOTE  # where it came from: no answer, no score
    assert "question 9" in flag.note and "2" not in flag.note
    assert InstrumentResponse.objects.get(pk=response.pk).risk_flag == flag
    assert not _self_harm_flags(people[1]).exists()


def test_re_saving_and_completing_raises_no_second_entry(practitioner, assessed, people):
    _phq9(assessed[0], practitioner, 1)
    _phq9(assessed[0], practitioner, 3, others=[1, None, 2, None, None, None, None, None])
    _phq9(assessed[0], practitioner, 3, others=[1] * 8)  # complete
    _phq9(assessed[1], practitioner, 2)  # another referral's assessment, same person

    assert _self_harm_flags(people[0]).count() == 1
    assert _self_harm_flags(people[0]).get().events.count() == 1


def test_a_person_with_a_current_self_harm_flag_gets_no_second(practitioner, assessed, people):
    by_hand = raise_flag(people[0], practitioner, risk_type=RiskType.SELF_HARM)

    response = _phq9(assessed[0], practitioner, 2)

    assert list(_self_harm_flags(people[0])) == [by_hand]
    assert response.risk_flag is None


def test_a_draft_corrected_to_zero_takes_off_the_entry_it_raised_with_the_reason(
    practitioner, assessed, people
):
    _phq9(assessed[0], practitioner, 2)

    _phq9(assessed[0], practitioner, 0)

    flag = _self_harm_flags(people[0]).get()
    assert not flag.is_current
    assert "corrected" in flag.removal_reason
    assert list(flag.events.values_list("kind", flat=True)) == ["raised", "removed"]


def test_a_reviewed_entry_stays_when_the_draft_is_corrected(practitioner, assessed, people):
    _phq9(assessed[0], practitioner, 2)
    flag = _self_harm_flags(people[0]).get()
    today = rules.today()
    risk_flag_review(
        flag=flag,
        expected_version=flag.version,
        reviewed_on=today,
        next_review_on=today + days(14),
        note="Discussed with the person.",
        by=practitioner,
    )

    _phq9(assessed[0], practitioner, 0)

    assert _self_harm_flags(people[0]).get().is_current


def test_autosave_of_item_9_raises_the_entry_once(practitioner_client, assessed, people):
    from django.urls import reverse

    url = reverse("assessments:autosave", args=[assessed[0].referral_id, "instrument-phq-9"])

    practitioner_client.post(url, {"item_9": "1"})
    practitioner_client.post(url, {"item_1": "2", "item_9": "1"})
    practitioner_client.post(url, {"item_1": "2", "item_9": "3"})

    assert _self_harm_flags(people[0]).count() == 1
    assert _self_harm_flags(people[0]).get().is_current
