"""The law on orders and their requirements, reviews and endings (issue 12 items 6, 8, 10).

Each rule is tried the day before, of and after its boundary, with several people and
several requirements, through the services every screen calls.
"""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError

from core.periods import period_last_day
from treatment_requirements import services
from treatment_requirements.enums import (
    BreachOutcome,
    HearingOutcome,
    OrderStatus,
    OrderType,
    TerminationReason,
)
from treatment_requirements.models import (
    CourtOutcome,
    Order,
    OrderRequirement,
)

from .factories import (
    CourtFactory,
    FailureFactory,
    OrderRequirementFactory,
    ProviderTeamFactory,
    days,
    ready_recommendation,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def _record(
    recommendation,
    officer,
    *,
    hearing_date,
    requirements,
    by,
    start=None,
    end=None,
    order_type=OrderType.COMMUNITY_ORDER,
    operational_period_end=None,
):
    start = start or hearing_date
    return services.court_outcome_record(
        recommendation=recommendation,
        hearing_date=hearing_date,
        court=CourtFactory(),
        outcome=HearingOutcome.ORDER_MADE,
        order_data={
            "order_type": order_type,
            "made_on": hearing_date,
            "start_date": start,
            "end_date": end or hearing_date + relativedelta(months=12),
            "operational_period_end": operational_period_end,
            "responsible_officer": officer,
        },
        requirements=requirements,
        by=by,
    )


def _atr(provider, months=6, **extra):
    return {"kind": "atr", "length_months": months, "provider": provider, **extra}


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
    _record(adult, officer, hearing_date=hearing, requirements=[_atr(provider)], by=practitioner)
    young = _person_born(ready_recommendation(kinds=["atr"]), born)
    if allowed:
        outcome = _record(
            young, officer, hearing_date=hearing, requirements=[_atr(provider)], by=practitioner
        )
        assert outcome.order.person_id == young.person_id
    else:
        with pytest.raises(ValidationError) as exc:
            _record(
                young, officer, hearing_date=hearing, requirements=[_atr(provider)], by=practitioner
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
        _atr(provider, willing_on=days(-3)),
    ]
    with pytest.raises(ValidationError) as exc:
        _record(
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
        _atr(provider, not_proposed_reason="Alcohol use disclosed at court", willing_on=days(-2)),
    ]
    outcome = _record(
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
    requirements = [_atr(provider, not_proposed_reason="Court's own view", willing_on=willing)]
    with pytest.raises(ValidationError) as exc:
        _record(
            recommendation,
            officer,
            hearing_date=hearing,
            requirements=requirements,
            by=practitioner,
        )
    assert exc.value.message_dict["willing_on"] == [message.format(hearing=f"{hearing:%d/%m/%Y}")]
    # The day of the hearing is before sentence.
    requirements[0]["willing_on"] = hearing
    outcome = _record(
        recommendation, officer, hearing_date=hearing, requirements=requirements, by=practitioner
    )
    assert outcome.order.requirements.get().willing_on == hearing


def test_court_outcome_copies_the_recommendations_consent_date(practitioner, officer):
    recommendation = ready_recommendation(kinds=["mhtr_primary", "atr"])
    recommendation.requirements.filter(kind="atr").update(consent_recorded_on=days(-9))
    recommendation.requirements.filter(kind="mhtr_primary").update(consent_recorded_on=days(-8))
    provider = ProviderTeamFactory()
    outcome = _record(
        recommendation,
        officer,
        hearing_date=days(-1),
        requirements=[
            _atr(provider),
            {"kind": "mhtr_primary", "length_months": 3, "provider": provider},
        ],
        by=practitioner,
    )
    assert {r.kind: r.willing_on for r in outcome.order.requirements.all()} == {
        "atr": days(-9),
        "mhtr_primary": days(-8),
    }


# A requirement added on breach ---------------------------------------------------------


def _breach(order, officer):
    return services.failure_take_action(
        failure=FailureFactory(order=order, failure_date=days(-3)),
        action="breach",
        action_on=days(-2),
        by=officer,
    )


def test_breach_added_requirement_needs_willingness(order, officer, provider_team):
    breach = _breach(order, officer)
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
    return _record(
        ready_recommendation(kinds=["atr"]),
        officer,
        hearing_date=made,
        end=end,
        order_type=OrderType.SUSPENDED_SENTENCE,
        operational_period_end=operational_end,
        requirements=[_atr(ProviderTeamFactory(), months=months)],
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
        _record(
            ready_recommendation(kinds=["atr"]),
            officer,
            hearing_date=MADE,
            operational_period_end=D(2025, 1, 30),
            requirements=[_atr(ProviderTeamFactory())],
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


# Month arithmetic ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (D(2025, 1, 28), 1, D(2025, 2, 27)),
        (D(2025, 1, 29), 1, D(2025, 2, 28)),
        (D(2025, 1, 30), 1, D(2025, 2, 28)),
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 1, 29), 1, D(2024, 2, 28)),
        (D(2024, 1, 30), 1, D(2024, 2, 29)),
        (D(2025, 1, 28), 6, D(2025, 7, 27)),
        (D(2025, 1, 29), 6, D(2025, 7, 28)),
        (D(2025, 1, 30), 6, D(2025, 7, 29)),
        (D(2025, 1, 31), 6, D(2025, 7, 30)),
        (D(2025, 1, 28), 12, D(2026, 1, 27)),
        (D(2025, 1, 29), 12, D(2026, 1, 28)),
        (D(2025, 1, 30), 12, D(2026, 1, 29)),
        (D(2025, 1, 31), 12, D(2026, 1, 30)),
        (D(2025, 1, 31), 36, D(2028, 1, 30)),
        (D(2024, 2, 29), 6, D(2024, 8, 28)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 2, 29), 36, D(2027, 2, 28)),
        (D(2024, 2, 29), 48, D(2028, 2, 28)),
        (D(2025, 8, 31), 6, D(2026, 2, 28)),
        (D(2023, 8, 31), 6, D(2024, 2, 29)),
        (D(2025, 8, 31), 12, D(2026, 8, 30)),
        (D(2025, 8, 31), 36, D(2028, 8, 30)),
        (D(2025, 8, 30), 6, D(2026, 2, 28)),
        (D(2025, 8, 28), 6, D(2026, 2, 27)),
    ],
)
def test_period_end_follows_the_corresponding_date(start, months, end):
    assert period_last_day(start, months) == end


@pytest.mark.parametrize(
    "start",
    [
        D(2025, 1, 28),
        D(2025, 1, 29),
        D(2025, 1, 30),
        D(2025, 1, 31),
        D(2024, 2, 29),
        D(2025, 8, 31),
    ],
)
@pytest.mark.parametrize("months", [6, 12, 36])
def test_requirement_as_long_as_the_order_ends_on_the_orders_end_date(
    practitioner, officer, start, months
):
    provider = ProviderTeamFactory()
    order_end = period_last_day(start, months)
    outcome = _record(
        ready_recommendation(kinds=["atr", "mhtr_primary"]),
        officer,
        hearing_date=start,
        end=order_end,
        requirements=[
            _atr(provider, months=months),
            {"kind": "mhtr_primary", "length_months": 1, "provider": provider},
        ],
        by=practitioner,
    )
    order = outcome.order
    ends = {r.kind: r.end_date for r in order.requirements.all()}
    assert ends == {"atr": order.end_date, "mhtr_primary": period_last_day(start, 1)}
    assert order.end_date <= order.latest_end_date


def test_requirement_one_month_longer_than_the_order_is_refused(practitioner, officer):
    start = D(2025, 8, 31)
    with pytest.raises(ValidationError) as exc:
        _record(
            ready_recommendation(kinds=["atr"]),
            officer,
            hearing_date=start,
            end=period_last_day(start, 6),
            requirements=[_atr(ProviderTeamFactory(), months=7)],
            by=practitioner,
        )
    assert exc.value.message_dict["length_months"] == [
        "The ATR of 7 months would end on 30/03/2026, after the order ends on 28/02/2026"
    ]


@pytest.mark.parametrize(
    ("made", "latest"),
    [
        (D(2025, 1, 31), D(2028, 1, 31)),
        (D(2024, 2, 29), D(2027, 3, 1)),
        (D(2025, 8, 31), D(2028, 8, 31)),
    ],
)
def test_order_latest_end_is_3_years_after_it_was_made(made, latest):
    assert Order(made_on=made).latest_end_date == latest


# DRR reviews -----------------------------------------------------------------------------


@pytest.fixture
def drr(order):
    return OrderRequirementFactory(
        order=order, kind="drr", length_months=12, end_date=order.end_date
    )


def _review(drr, officer, review_date, *, report_on=None):
    review = services.review_schedule(requirement=drr, review_date=review_date, by=officer)
    if report_on is not None:
        review.progress_report = "Three negative tests; engaging with key-work."
        review.report_submitted_on = report_on
        review.save()
    return review


def test_review_held_without_a_report_needs_a_reason(drr, officer):
    review = _review(drr, officer, days(-5))
    with pytest.raises(ValidationError) as exc:
        services.review_record_held(review=review, by=officer)
    assert exc.value.message_dict["no_report_reason"] == [
        "No written progress report went to the court before this review: enter why there was none"
    ]
    review.refresh_from_db()
    assert review.held_on is None
    services.review_record_held(
        review=review, no_report_reason="Provider's report not received in time", by=officer
    )
    review.refresh_from_db()
    assert (review.held_on, review.no_report_reason, review.held_recorded_by) == (
        days(-5),
        "Provider's report not received in time",
        officer,
    )


@pytest.mark.parametrize(("report_after_review", "allowed"), [(-1, True), (0, True), (1, False)])
def test_review_held_report_must_reach_the_court_by_the_review_date(
    drr, officer, report_after_review, allowed
):
    review_date = days(-10)
    other = _review(drr, officer, days(-45), report_on=days(-50))  # another review, in order
    review = _review(
        drr,
        officer,
        review_date,
        report_on=review_date + datetime.timedelta(days=report_after_review),
    )
    if allowed:
        services.review_record_held(review=review, by=officer)
        review.refresh_from_db()
        assert (review.held_on, review.no_report_reason) == (review_date, "")
    else:
        with pytest.raises(ValidationError) as exc:
            services.review_record_held(review=review, by=officer)
        submitted = review_date + datetime.timedelta(days=1)
        assert exc.value.message_dict["no_report_reason"] == [
            f"The progress report was submitted on {submitted:%d/%m/%Y}, after the review on "
            f"{review_date:%d/%m/%Y}: enter why no report went to the court before the review"
        ]
        services.review_record_held(
            review=review, no_report_reason="Hearing brought forward by the court", by=officer
        )
        review.refresh_from_db()
        assert review.no_report_reason == "Hearing brought forward by the court"
    services.review_record_held(review=other, by=officer)
    assert drr.reviews.filter(held_on__isnull=False).count() == 2


def test_review_submitted_through_the_service_after_the_hearing_is_late(drr, officer):
    review = _review(drr, officer, days(-1))
    services.review_submit_report(review=review, report="Written after the hearing", by=officer)
    with pytest.raises(ValidationError, match="after the review on"):
        services.review_record_held(review=review, by=officer)


def test_review_cannot_be_held_before_its_date_or_twice(drr, officer):
    future = _review(drr, officer, days(1), report_on=days(0))
    with pytest.raises(ValidationError) as exc:
        services.review_record_held(review=future, by=officer)
    assert exc.value.messages == [
        f"The review is on {days(1):%d/%m/%Y}: record it as held on or after that date"
    ]
    past = _review(drr, officer, days(-40), report_on=days(-41))
    services.review_record_held(review=past, by=officer)
    with pytest.raises(ValidationError, match="already been recorded as held"):
        services.review_record_held(review=past, by=officer)


# Ending an order -------------------------------------------------------------------------


def _end(order, officer, reason, on, notes=""):
    order.refresh_from_db()
    return services.order_terminate(
        order=order,
        reason=reason,
        terminated_on=on,
        notes=notes,
        expected_version=order.version,
        by=officer,
    )


@pytest.mark.parametrize(("offset", "allowed"), [(-1, False), (0, True), (1, True)])
def test_order_completed_only_from_its_end_date(order, officer, offset, allowed):
    Order.objects.filter(pk=order.pk).update(end_date=days(-1))
    on = days(-1 + offset)
    if allowed:
        _end(order, officer, TerminationReason.COMPLETED, on)
        order.refresh_from_db()
        assert (order.status, order.terminated_on) == (OrderStatus.TERMINATED, on)
        return
    with pytest.raises(ValidationError) as exc:
        _end(order, officer, TerminationReason.COMPLETED, on)
    assert exc.value.message_dict["terminated_on"] == [
        f"An order is completed on or after its end date, {days(-1):%d/%m/%Y}. To end it "
        "earlier, the court revokes it for good progress: select 'Revoked for good progress'"
    ]
    order.refresh_from_db()
    assert order.status == OrderStatus.ACTIVE


def test_order_revoked_for_good_progress_before_its_end_date(order, officer):
    assert order.end_date > days(0)
    _end(order, officer, TerminationReason.REVOKED_GOOD_PROGRESS, days(0))
    order.refresh_from_db()
    assert order.termination_reason == TerminationReason.REVOKED_GOOD_PROGRESS


@pytest.mark.parametrize("reason", TerminationReason.values)
def test_order_cannot_end_while_a_breach_awaits_the_court(order, officer, reason):
    breach = _breach(order, officer)
    Order.objects.filter(pk=order.pk).update(end_date=days(-1))
    with pytest.raises(ValidationError) as exc:
        _end(order, officer, reason, days(0), notes="Moved abroad")
    assert exc.value.messages == [
        "This order cannot be ended while a breach referral awaits the court: record the "
        f"outcome of the breach referral made on {breach.referred_on:%d/%m/%Y} first"
    ]
    order.refresh_from_db()
    assert order.status == OrderStatus.ACTIVE
    services.breach_record_outcome(
        breach=breach, outcome=BreachOutcome.CONTINUED, outcome_on=days(0), by=officer
    )
    _end(order, officer, reason, days(0), notes="Moved abroad")
    order.refresh_from_db()
    assert (order.status, order.termination_reason) == (OrderStatus.TERMINATED, reason)


def test_order_terminate_check_writes_nothing(order, officer):
    version = order.version
    services.order_terminate_check(
        order=order, reason=TerminationReason.TRANSFERRED, terminated_on=days(0)
    )
    order.refresh_from_db()
    assert (order.status, order.version) == (OrderStatus.ACTIVE, version)
    assert OrderRequirement.objects.filter(order=order).count() == 2
