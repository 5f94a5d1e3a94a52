"""The law on making an order and its requirements (issue 12 items 6, 8, 10): under 18 on the
date of sentence, a requirement that was not recommended, one added on breach, and suspended
sentence orders. Periods, reviews and endings: test_order_periods_and_endings.

Each rule is tried the day before, of and after its boundary, with several people and
several requirements, through the services every screen calls.
"""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError

from treatment_requirements import services
from treatment_requirements.enums import BreachOutcome, HearingOutcome, OrderType
from treatment_requirements.models import CourtOutcome, Order

from .court_outcomes import D, atr, record_order, refer_for_breach
from .factories import CourtFactory, FailureFactory, ProviderTeamFactory, days, ready_recommendation

pytestmark = pytest.mark.django_db


def _person_born(recommendation, born):
    person = recommendation.person
    person.date_of_birth = born
    person.save()
    return recommendation


# Under 18 on the date of sentence ---------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "hearing", "allowed"),
    [
        # The day before, of and after the 18th birthday.
        (D(2005, 6, 15), D(2023, 6, 14), False),
        (D(2005, 6, 15), D(2023, 6, 15), True),
        (D(2005, 6, 15), D(2023, 6, 16), True),
        # Born on 29 February: 18 on 1 March in a year without one.
        (D(2004, 2, 29), D(2022, 2, 28), False),
        (D(2004, 2, 29), D(2022, 3, 1), True),
        # ... and on 29 February itself in a leap year.
        (D(2006, 2, 28), D(2024, 2, 27), False),
        (D(2006, 2, 28), D(2024, 2, 28), True),
    ],
)
def test_court_outcome_order_refused_under_18_on_the_hearing_date(
    practitioner, officer, born, hearing, allowed
):
    provider = ProviderTeamFactory()
    # Another person, an adult, on the same day: their order is made whatever the answer.
    adult = ready_recommendation(kinds=["atr"])
    record_order(
        adult, officer, hearing_date=hearing, requirements=[atr(provider)], by=practitioner
    )
    young = _person_born(ready_recommendation(kinds=["atr"]), born)
    if allowed:
        outcome = record_order(
            young, officer, hearing_date=hearing, requirements=[atr(provider)], by=practitioner
        )
        assert outcome.order.person_id == young.person_id
    else:
        with pytest.raises(ValidationError) as exc:
            record_order(
                young, officer, hearing_date=hearing, requirements=[atr(provider)], by=practitioner
            )
        assert exc.value.message_dict["hearing_date"] == [
            "Treatment requirements apply to adults only: the person was under 18 on the date "
            f"of sentence, {hearing:%d/%m/%Y}"
        ]
    assert Order.objects.filter(person_id=young.person_id).count() == int(allowed)
    assert CourtOutcome.objects.filter(person_id=young.person_id).count() == int(allowed)
    assert Order.objects.filter(person_id=adult.person_id).count() == 1


def test_court_outcome_under_18_may_still_record_no_order(practitioner):
    young = _person_born(ready_recommendation(kinds=["atr"]), days(-1) - relativedelta(years=17))
    outcome = services.court_outcome_record(
        recommendation=young,
        hearing_date=days(-1),
        court=CourtFactory(),
        outcome=HearingOutcome.NOT_MADE,
        reason="Referred to the youth offending team",
        by=practitioner,
    )
    assert outcome.outcome == HearingOutcome.NOT_MADE


# A requirement that was not recommended -------------------------------------------------


def test_court_outcome_refuses_a_requirement_not_recommended_without_a_reason(
    practitioner, officer
):
    recommendation = ready_recommendation(kinds=["mhtr_primary"])
    provider = ProviderTeamFactory()
    requirements = [
        {"kind": "mhtr_primary", "length_months": 6, "provider": provider},
        atr(provider, willing_on=days(-3)),
    ]
    with pytest.raises(ValidationError) as exc:
        record_order(
            recommendation,
            officer,
            hearing_date=days(-1),
            requirements=requirements,
            by=practitioner,
        )
    assert exc.value.message_dict["not_proposed_reason"] == [
        "Enter why the court made the ATR: it was not on the recommendation"
    ]
    assert Order.objects.count() == 0


def test_court_outcome_keeps_the_reason_for_a_requirement_not_recommended(practitioner, officer):
    recommendation = ready_recommendation(kinds=["mhtr_primary", "drr"])
    provider = ProviderTeamFactory()
    requirements = [
        {"kind": "mhtr_primary", "length_months": 6, "provider": provider},
        atr(provider, not_proposed_reason="Alcohol use disclosed at court", willing_on=days(-2)),
    ]
    outcome = record_order(
        recommendation, officer, hearing_date=days(-1), requirements=requirements, by=practitioner
    )
    rows = {r.kind: r for r in outcome.order.requirements.all()}
    assert set(rows) == {"mhtr_primary", "atr"}
    assert rows["atr"].proposed is None
    assert rows["atr"].not_proposed_reason == "Alcohol use disclosed at court"
    assert rows["atr"].willing_on == days(-2)
    assert rows["mhtr_primary"].proposed.recommendation == recommendation
    assert rows["mhtr_primary"].not_proposed_reason == ""


@pytest.mark.parametrize(
    ("willing_on", "message"),
    [
        (
            None,
            "Enter the date the person said they were willing to comply with the ATR: a "
            "treatment requirement needs their willingness before sentence",
        ),
        (
            1,
            "The date the person said they were willing to comply with the ATR must be on or "
            "before the date of sentence, {hearing}",
        ),
    ],
)
def test_court_outcome_requirement_not_recommended_needs_willingness_before_sentence(
    practitioner, officer, willing_on, message
):
    recommendation = ready_recommendation(kinds=["drr"])
    provider = ProviderTeamFactory()
    hearing = days(-2)
    willing = hearing + datetime.timedelta(days=willing_on) if willing_on else None
    requirements = [atr(provider, not_proposed_reason="Court's own view", willing_on=willing)]
    with pytest.raises(ValidationError) as exc:
        record_order(
            recommendation,
            officer,
            hearing_date=hearing,
            requirements=requirements,
            by=practitioner,
        )
    assert exc.value.message_dict["willing_on"] == [message.format(hearing=f"{hearing:%d/%m/%Y}")]
    # The day of the hearing is before sentence.
    requirements[0]["willing_on"] = hearing
    outcome = record_order(
        recommendation, officer, hearing_date=hearing, requirements=requirements, by=practitioner
    )
    assert outcome.order.requirements.get().willing_on == hearing


def test_court_outcome_copies_the_recommendations_consent_date(practitioner, officer):
    recommendation = ready_recommendation(kinds=["mhtr_primary", "atr"])
    recommendation.requirements.filter(kind="atr").update(consent_recorded_on=days(-9))
    recommendation.requirements.filter(kind="mhtr_primary").update(consent_recorded_on=days(-8))
    provider = ProviderTeamFactory()
    outcome = record_order(
        recommendation,
        officer,
        hearing_date=days(-1),
        requirements=[
            atr(provider),
            {"kind": "mhtr_primary", "length_months": 3, "provider": provider},
        ],
        by=practitioner,
    )
    assert {r.kind: r.willing_on for r in outcome.order.requirements.all()} == {
        "atr": days(-9),
        "mhtr_primary": days(-8),
    }


# A requirement added on breach ---------------------------------------------------------


def test_breach_added_requirement_needs_willingness(order, officer, provider_team):
    breach = refer_for_breach(order, officer)
    added = {"kind": "drr", "provider": provider_team, "length_months": 3}
    with pytest.raises(ValidationError) as exc:
        services.breach_record_outcome(
            breach=breach,
            outcome=BreachOutcome.REQUIREMENTS_ADDED,
            outcome_on=days(0),
            added_requirement=added,
            by=officer,
        )
    assert exc.value.message_dict["willing_on"] == [
        "Enter the date the person said they were willing to comply with the DRR: a treatment "
        "requirement needs their willingness before sentence"
    ]
    with pytest.raises(ValidationError) as exc:
        services.breach_record_outcome(
            breach=breach,
            outcome=BreachOutcome.REQUIREMENTS_ADDED,
            outcome_on=days(-1),
            added_requirement=added | {"willing_on": days(0)},
            by=officer,
        )
    assert exc.value.message_dict["willing_on"] == [
        "The date the person said they were willing to comply with the DRR must be on or "
        f"before the date of sentence, {days(-1):%d/%m/%Y}"
    ]
    assert not order.requirements.filter(kind="drr").exists()
    services.breach_record_outcome(
        breach=breach,
        outcome=BreachOutcome.REQUIREMENTS_ADDED,
        outcome_on=days(-1),
        added_requirement=added | {"willing_on": days(-1)},
        by=officer,
    )
    drr = order.requirements.get(kind="drr")
    assert (drr.added_on_breach, drr.willing_on, drr.not_proposed_reason) == (True, days(-1), "")


# Suspended sentence orders -------------------------------------------------------------


def _sso(practitioner, officer, made, *, end, operational_end, months=6):
    return record_order(
        ready_recommendation(kinds=["atr"]),
        officer,
        hearing_date=made,
        end=end,
        order_type=OrderType.SUSPENDED_SENTENCE,
        operational_period_end=operational_end,
        requirements=[atr(ProviderTeamFactory(), months=months)],
        by=practitioner,
    )


MADE = D(2024, 1, 31)


@pytest.mark.parametrize(
    ("operational_end", "allowed"),
    [
        (D(2024, 7, 29), False),  # the day before the 6-month period's last day
        (D(2024, 7, 30), True),  # 6 months beginning with 31 January 2024
        (D(2026, 1, 30), True),  # 2 years beginning with 31 January 2024
        (D(2026, 1, 31), False),  # the day after
    ],
)
def test_sso_operational_period_between_6_months_and_2_years(
    practitioner, officer, operational_end, allowed
):
    end = D(2024, 7, 30)
    if allowed:
        outcome = _sso(practitioner, officer, MADE, end=end, operational_end=operational_end)
        assert outcome.order.operational_period_end == operational_end
        return
    with pytest.raises(ValidationError) as exc:
        _sso(practitioner, officer, MADE, end=end, operational_end=operational_end)
    assert exc.value.message_dict["operational_period_end"] == [
        "The operational period must be between 6 months and 2 years: it must end between "
        "30/07/2024 and 30/01/2026"
    ]
    assert Order.objects.count() == 0


def test_sso_needs_an_operational_period_and_a_community_order_has_none(practitioner, officer):
    with pytest.raises(ValidationError) as exc:
        _sso(practitioner, officer, MADE, end=D(2024, 12, 31), operational_end=None)
    assert exc.value.message_dict["operational_period_end"] == [
        "Enter the date the suspended sentence order's operational period ends"
    ]
    with pytest.raises(ValidationError) as exc:
        record_order(
            ready_recommendation(kinds=["atr"]),
            officer,
            hearing_date=MADE,
            operational_period_end=D(2025, 1, 30),
            requirements=[atr(ProviderTeamFactory())],
            by=practitioner,
        )
    assert exc.value.message_dict["operational_period_end"] == [
        "Only a suspended sentence order has an operational period: leave the operational "
        "period end date empty"
    ]
    assert Order.objects.count() == 0


def test_sso_supervision_cannot_run_past_the_operational_period(practitioner, officer):
    operational_end = D(2025, 1, 30)
    with pytest.raises(ValidationError) as exc:
        _sso(
            practitioner,
            officer,
            MADE,
            end=operational_end + datetime.timedelta(days=1),
            operational_end=operational_end,
        )
    assert exc.value.message_dict["end_date"] == [
        "The supervision period cannot run past the operational period: the order must end "
        "by 30/01/2025"
    ]
    outcome = _sso(
        practitioner, officer, MADE, end=operational_end, operational_end=operational_end, months=12
    )
    assert outcome.order.requirements.get().end_date == operational_end


def test_sso_requirement_added_on_breach_cannot_run_past_the_operational_period(
    practitioner, officer, provider_team
):
    operational_end = D(2025, 1, 30)
    order = _sso(
        practitioner, officer, MADE, end=D(2024, 12, 31), operational_end=operational_end
    ).order
    # The order's supervision end moved past the operational period (as an extension can).
    Order.objects.filter(pk=order.pk).update(end_date=D(2025, 6, 30))
    breach = services.failure_take_action(
        failure=FailureFactory(order=order, failure_date=D(2024, 6, 1)),
        action="breach",
        action_on=D(2024, 6, 3),
        by=officer,
    )
    added = {"kind": "drr", "provider": provider_team, "willing_on": D(2024, 7, 1)}
    with pytest.raises(ValidationError) as exc:
        services.breach_record_outcome(
            breach=breach,
            outcome=BreachOutcome.REQUIREMENTS_ADDED,
            outcome_on=D(2024, 7, 31),
            added_requirement=added | {"length_months": 7},
            by=officer,
        )
    assert exc.value.message_dict["length_months"] == [
        "The DRR of 7 months would end on 28/02/2025, after the suspended sentence order's "
        "operational period ends on 30/01/2025"
    ]
    services.breach_record_outcome(
        breach=breach,
        outcome=BreachOutcome.REQUIREMENTS_ADDED,
        outcome_on=D(2024, 7, 31),
        added_requirement=added | {"length_months": 6},
        by=officer,
    )
    assert order.requirements.get(kind="drr").end_date == D(2025, 1, 30)
