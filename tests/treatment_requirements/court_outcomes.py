"""Court outcomes and breaches recorded through the services, as the screens record them,
for the tests that need an order made the way a court makes it."""

import datetime

from dateutil.relativedelta import relativedelta

from treatment_requirements import services
from treatment_requirements.enums import HearingOutcome, OrderType

from .factories import CourtFactory, FailureFactory, ProviderTeamFactory, days

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


def community_order_data(officer, **overrides):
    """A community order made yesterday for 12 months, as the court outcome form sends it."""
    made = days(-1)
    return {
        "order_type": "community_order",
        "made_on": made,
        "start_date": made,
        "end_date": made + relativedelta(months=12),
        "responsible_officer": officer,
        **overrides,
    }


def order_made(recommendation, officer, *, order_data=None, requirements=None, by):
    """An order made yesterday on `recommendation` (by default with an MHTR and an ATR)."""
    provider = ProviderTeamFactory()
    return services.court_outcome_record(
        recommendation=recommendation,
        hearing_date=days(-1),
        court=CourtFactory(),
        outcome=HearingOutcome.ORDER_MADE,
        order_data=order_data or community_order_data(officer),
        requirements=requirements
        if requirements is not None
        else [
            {"kind": "mhtr_primary", "length_months": 6, "provider": provider},
            {"kind": "atr", "length_months": 12, "provider": provider},
        ],
        by=by,
    )
