"""The assessments' forms on the one form base: one-box dates inside each date's bounds (the
referral's day to today), and hostile input answered with a message and nothing saved.
Messages that read: test_form_messages.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.forms import ScreeningForm, draft_querydict
from assessments.models import Assessment, Consent, OnwardReferral, Screening
from tests.factories import ReferralFactory

from .conftest import errors_of
from .factories import ConsentFactory, OnwardReferralFactory
from .helpers import RECEIVED_DAYS_AGO, received_team_assessment, typed

pytestmark = pytest.mark.django_db


TODAY = timezone.localdate


def _long(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _received_referral(practitioner, site):
    """A received referral of the practitioner's team, received 10 days ago."""
    return ReferralFactory(
        person__team=practitioner.team,
        site=site,
        person__created_by=practitioner,
        received_at=timezone.now() - datetime.timedelta(days=RECEIVED_DAYS_AGO),
    )


def _received_day(referral) -> datetime.date:
    return timezone.localtime(referral.received_at).date()


def _screening_post(client, referral, screened_on: str):
    data = {
        "screened_on": screened_on,
        "risk_level": "high",
        "urgency": "urgent",
        "decision": "full_assessment",
    }
    return client.post(reverse("assessments:screening", args=[referral.pk]), data)


def _presenting_post(client, assessment, assessed_on: str):
    return client.post(
        reverse("assessments:section", args=[assessment.pk, "presenting"]),
        {"assessed_on": assessed_on, "presenting_needs": "Low mood", "version": assessment.version},
    )


# Hostile dates: a message beside the field, nothing saved -----------------------------

HOSTILE_DATES = [
    ("1/1/0001", "Date screened must be on or after "),
    ("31/12/9999", "Date screened must be today or in the past"),
    ("9999-12-31", "Enter the date screened as a date, like 27/3/2026"),
    ("99999999999999999999/1/2026", "Enter the date screened as a date, like 27/3/2026"),
    ("1/1/2026\x00", "Enter the date screened as a date, like 27/3/2026"),
    ("\x00", "Enter the date screened as a date, like 27/3/2026"),
    ("31/2/2026", "Date screened must be a real date"),
]


@pytest.mark.parametrize(("typed", "message"), HOSTILE_DATES)
def test_screening_with_a_hostile_date_says_why_and_saves_nothing(
    practitioner_client, referral, typed, message
):
    response = _screening_post(practitioner_client, referral, typed)

    assert response.status_code == 400
    assert message in errors_of(response)
    assert not Screening.objects.exists()
    referral.refresh_from_db()
    assert referral.status == "received"


@pytest.mark.parametrize(("typed", "message"), HOSTILE_DATES)
def test_a_step_with_a_hostile_date_says_why_and_saves_nothing(
    practitioner_client, practitioner, typed, message
):
    assessment = received_team_assessment(practitioner)
    version = assessment.version

    response = _presenting_post(practitioner_client, assessment, typed)

    assert response.status_code == 400
    assert message.replace("date screened", "date of assessment").replace(
        "Date screened", "Date of assessment"
    ) in errors_of(response)
    assessment = Assessment.objects.get(pk=assessment.pk)
    assert (assessment.assessed_on, assessment.presenting_needs, assessment.version) == (
        TODAY(),
        "",
        version,
    )


def test_a_hostile_date_is_shown_again_in_the_one_box(practitioner_client, referral):
    response = _screening_post(practitioner_client, referral, "31/2/2026")

    html = response.content.decode()
    assert 'name="screened_on" value="31/2/2026"' in html
    assert "screened_on_0" not in html


# The bounds: the day before, of and after each ---------------------------------------


def test_screening_dates_the_day_before_of_and_after_each_bound(
    practitioner_client, practitioner, site
):
    outcomes = {}
    for offset in (-1, 0, 1):
        for bound in ("received", "today"):
            referral = _received_referral(practitioner, site)
            day = (
                _received_day(referral) if bound == "received" else TODAY()
            ) + datetime.timedelta(days=offset)
            response = _screening_post(practitioner_client, referral, typed(day))
            saved = Screening.objects.filter(referral=referral).first()
            outcomes[(bound, offset)] = (response.status_code, saved and saved.screened_on)
    received = TODAY() - datetime.timedelta(days=RECEIVED_DAYS_AGO)

    assert outcomes == {
        ("received", -1): (400, None),
        ("received", 0): (302, received),
        ("received", 1): (302, received + datetime.timedelta(days=1)),
        ("today", -1): (302, TODAY() - datetime.timedelta(days=1)),
        ("today", 0): (302, TODAY()),
        ("today", 1): (400, None),
    }


def test_screening_before_the_referral_names_the_day_it_was_received(
    practitioner_client, practitioner, site
):
    referral = _received_referral(practitioner, site)
    received = _received_day(referral)

    response = _screening_post(
        practitioner_client, referral, typed(received - datetime.timedelta(days=1))
    )

    assert (
        f"Date screened must be on or after {_long(received)}, the day the referral was received"
        in errors_of(response)
    )


def test_screening_form_given_the_referral_says_the_same_as_the_service(practitioner, site):
    referral = _received_referral(practitioner, site)
    received = _received_day(referral)
    data = {"risk_level": "high", "urgency": "urgent", "decision": "full_assessment"}

    before = ScreeningForm(
        {**data, "screened_on": typed(received - datetime.timedelta(days=1))}, referral=referral
    )
    on = ScreeningForm({**data, "screened_on": typed(received)}, referral=referral)

    assert before.errors["screened_on"] == [
        f"Date screened must be on or after {_long(received)}, the day the referral was received"
    ]
    assert on.is_valid(), on.errors


@pytest.mark.parametrize(
    ("bound", "offset", "message"),
    [
        ("received", -1, "Date of assessment must be on or after {received}, the day the referral"),
        ("received", 0, None),
        ("received", 1, None),
        ("today", -1, None),
        ("today", 0, None),
        ("today", 1, "Date of assessment must be today or in the past"),
    ],
)
def test_assessment_date_the_day_before_of_and_after_each_bound(
    practitioner_client, practitioner, bound, offset, message
):
    assessment = received_team_assessment(practitioner)
    received = _received_day(assessment.referral)
    day = (received if bound == "received" else TODAY()) + datetime.timedelta(days=offset)

    response = _presenting_post(practitioner_client, assessment, typed(day))

    assessment.refresh_from_db()
    if message:
        assert response.status_code == 400
        assert message.format(received=_long(received)) in errors_of(response)
        assert assessment.assessed_on == TODAY()
    else:
        assert response.status_code == 302
        assert assessment.assessed_on == day


def test_consent_dates_the_day_before_of_and_after_each_bound(
    practitioner_client, practitioner, site
):
    referral = _received_referral(practitioner, site)
    received = _received_day(referral)
    url = reverse("assessments:consent_record", args=[referral.pk])
    answers = {}
    for label, day in {
        "day before received": received - datetime.timedelta(days=1),
        "day received": received,
        "today": TODAY(),
        "tomorrow": TODAY() + datetime.timedelta(days=1),
    }.items():
        response = practitioner_client.post(
            url, {"kind": "to_be_assessed", "given": "yes", "given_on": typed(day)}
        )
        form = response.context["form"] if response.status_code == 400 else None
        answers[label] = form.errors["given_on"] if form else response.status_code

    assert answers == {
        "day before received": [
            f"Date of the decision must be on or after {_long(received)}, "
            "the day the referral was received"
        ],
        "day received": 302,
        "today": 302,
        "tomorrow": ["Date of the decision must be today or in the past"],
    }
    assert sorted(Consent.objects.values_list("given_on", flat=True)) == [received, TODAY()]


def test_withdrawal_the_day_before_of_and_after_consent_and_today(
    practitioner_client, practitioner, site
):
    referral = _received_referral(practitioner, site)
    given = TODAY() - datetime.timedelta(days=3)
    consent = ConsentFactory(referral=referral, given_on=given, share_with_court=True)
    url = reverse("assessments:consent_withdraw", args=[consent.pk])

    tomorrow = practitioner_client.post(
        url, {"withdrawn_on": typed(TODAY() + datetime.timedelta(days=1))}
    )
    before = practitioner_client.post(
        url, {"withdrawn_on": typed(given - datetime.timedelta(days=1))}
    )
    on_the_day = practitioner_client.post(url, {"withdrawn_on": typed(given)})

    assert "Date withdrawn must be today or in the past" in errors_of(tomorrow)
    assert (
        f"Date withdrawn must be on or after the day consent was given ({_long(given)})"
        in errors_of(before)
    )
    assert on_the_day.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == given


def test_onward_referral_dates_the_day_before_of_and_after_each_bound(
    practitioner_client, practitioner, site
):
    referral = _received_referral(practitioner, site)
    received = _received_day(referral)
    url = reverse("assessments:onward_record", args=[referral.pk])
    data = {"service": "gp", "reason": "Asthma review"}
    messages = {}
    for day in (
        received - datetime.timedelta(days=1),
        received,
        TODAY(),
        TODAY() + datetime.timedelta(days=1),
    ):
        response = practitioner_client.post(url, {**data, "referred_on": typed(day)})
        messages[day] = response.status_code

    assert messages == {
        received - datetime.timedelta(days=1): 400,
        received: 302,
        TODAY(): 302,
        TODAY() + datetime.timedelta(days=1): 400,
    }
    assert sorted(OnwardReferral.objects.values_list("referred_on", flat=True)) == [
        received,
        TODAY(),
    ]


def test_onward_outcome_the_day_before_of_and_after_each_bound(practitioner_client, practitioner):
    onward = OnwardReferralFactory(
        referral__person__team=practitioner.team,
        referral__person__created_by=practitioner,
        referred_on=TODAY() - datetime.timedelta(days=5),
    )
    url = reverse("assessments:onward_outcome", args=[onward.pk])

    def post(day):
        return practitioner_client.post(url, {"outcome": "attended", "outcome_on": typed(day)})

    before = post(onward.referred_on - datetime.timedelta(days=1))
    tomorrow = post(TODAY() + datetime.timedelta(days=1))
    onward.refresh_from_db()
    assert onward.outcome_on is None
    on_the_day = post(onward.referred_on)

    assert (
        f"Date of the outcome must be on or after the date referred ({_long(onward.referred_on)})"
        in errors_of(before)
    )
    assert "Date of the outcome must be today or in the past" in errors_of(tomorrow)
    assert on_the_day.status_code == 302
    onward.refresh_from_db()
    assert onward.outcome_on == onward.referred_on


# One box on every page with a date ---------------------------------------------------


def test_screening_and_the_first_step_show_one_date_box_holding_today(
    practitioner_client, referral, practitioner
):
    assessment = received_team_assessment(practitioner)
    screening = practitioner_client.get(reverse("assessments:screening", args=[referral.pk]))
    step = practitioner_client.get(
        reverse("assessments:section", args=[assessment.pk, "presenting"])
    )

    for html, name in (
        (screening.content.decode(), "screened_on"),
        (step.content.decode(), "assessed_on"),
    ):
        assert f'name="{name}" value="{typed(timezone.localdate())}"' in html
        assert f"{name}_0" not in html
        assert "For example, 27/3/2026" in html


def test_a_draft_typed_in_three_boxes_comes_back_in_one():
    data = draft_querydict(
        {"screened_on_0": ["7"], "screened_on_1": ["3"], "screened_on_2": ["2026"], "item_1": ["2"]}
    )

    assert dict(data.lists()) == {"item_1": ["2"], "screened_on": ["7/3/2026"]}
