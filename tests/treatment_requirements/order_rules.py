"""Recording an order and a breach the way the screens do, for the tests of the law on
orders (test_order_rules, test_order_periods_and_endings)."""

import datetime

from dateutil.relativedelta import relativedelta

from treatment_requirements import services
from treatment_requirements.enums import HearingOutcome, OrderType

from .factories import CourtFactory, FailureFactory, days

D = datetime.date


def record_order(
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
    """The court outcome of `recommendation`: an order made on `hearing_date`."""
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


def atr(provider, months=6, **extra):
    """An ATR of `months` by `provider`, as the court outcome form sends it."""
    return {"kind": "atr", "length_months": months, "provider": provider, **extra}


def refer_for_breach(order, officer):
    """A failure three days ago, referred for breach the next day."""
    return services.failure_take_action(
        failure=FailureFactory(order=order, failure_date=days(-3)),
        action="breach",
        action_on=days(-2),
        by=officer,
    )
