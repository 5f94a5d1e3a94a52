import datetime

from risks.services import risk_flag_raise


def raise_flag(person, by, *, risk_type="risk_to_staff", team=None, **fields):
    """A flag raised through the service (history row and audit, as in the product)."""
    return risk_flag_raise(
        person=person, risk_type=risk_type, by=by, team=team or by.team, **fields
    )


def days(n):
    return datetime.timedelta(days=n)
