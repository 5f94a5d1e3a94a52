"""One referral's row of the record-level return (columns: reporting.return_columns).

Reads the referral with its person, team, recommendations (with court outcomes) and orders
(with appointments, warnings, breaches and outcome measures) already loaded by
reporting.return_build, so a chunk of referrals costs a fixed number of queries.
"""

import datetime
from collections import defaultdict

from referrals.reoffending import LONDON, received_on, window

from .dashboard_facts import OUTCOME_THRESHOLDS
from .models import AGE_BANDS
from .return_columns import pseudonym

KEPT = {"attended_complied"}
MISSED = {"acceptable_absence", "unacceptable_absence", "attended_failed"}
ATTENDED = {"attended_complied", "attended_failed"}
_AGE_BOUNDS = [18, 25, 35, 45, 55, 65]


def age_band(born: datetime.date | None, on: datetime.date) -> str:
    """The dashboards' age band (reporting.models.AGE_BANDS) of someone born on `born`."""
    if born is None:
        return "not_stated"
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    for bound, (code, _label) in zip(_AGE_BOUNDS, AGE_BANDS, strict=False):
        if age < bound:
            return code
    return AGE_BANDS[-1][0]


def _day(moment) -> datetime.date | None:
    if moment is None:
        return None
    if isinstance(moment, datetime.datetime):
        return moment.astimezone(LONDON).date()
    return moment


def reoffending_by_person(person_ids) -> dict[int, list[datetime.date]]:
    """Days of re-arrest or reconviction recorded for each person (any of their referrals)."""
    from treatment_requirements.models import ReoffendingEvent

    days = defaultdict(list)
    events = ReoffendingEvent.objects.filter(person_id__in=person_ids).values_list(
        "person_id", "occurred_on"
    )
    for person_id, occurred_on in events:
        days[person_id].append(occurred_on)
    return days


def rearrested_12m(referral, rearrests, today: datetime.date) -> str:
    """yes / no once the 12 months beginning with the day of receipt have ended (the
    dashboards' rule: referrals.reoffending), else not_yet_due."""
    first, last = window(referral.received_at)
    if any(first <= day <= last for day in rearrests.get(referral.person_id, ())):
        return "yes"
    return "no" if last < today else "not_yet_due"


def _court(referral) -> tuple[str, datetime.date | None]:
    outcomes = [o for r in referral.recommendations.all() for o in r.court_outcomes.all()]
    first = min(outcomes, key=lambda o: (o.hearing_date, o.pk), default=None)
    return (first.outcome, first.hearing_date) if first else ("", None)


def _outcome_change(order) -> str:
    """Per instrument with a start and an end score: improved (fell by the dashboards'
    threshold) or no meaningful improvement. The scores themselves are not in the return."""
    scores = {(m.instrument_code, m.stage): m.response.total for m in order.outcome_measures.all()}
    parts = []
    for instrument, threshold in OUTCOME_THRESHOLDS.items():
        start, end = scores.get((instrument, "start")), scores.get((instrument, "end"))
        if start is None or end is None:
            continue
        improved = end <= start - threshold
        parts.append(f"{instrument} {'improved' if improved else 'no meaningful improvement'}")
    return "; ".join(parts)


def _order_columns(order) -> list:
    if order is None:
        return [None, None, None, None, 0, 0, 0, "", None, None, "", ""]
    appointments = list(order.appointments.all())
    attended = [a for a in appointments if a.outcome in ATTENDED]
    breaches = sorted(b.referred_on for b in order.breaches.all())
    return [
        order.made_on,
        order.start_date,
        _day(min((a.starts_at for a in appointments), default=None)),
        _day(min((a.starts_at for a in attended), default=None)),
        sum(a.outcome in KEPT for a in appointments),
        sum(a.outcome in MISSED for a in appointments),
        len(order.warnings.all()),
        "yes" if breaches else "no",
        breaches[0] if breaches else None,
        order.terminated_on,
        order.termination_reason,
        _outcome_change(order),
    ]


def referral_row(referral, key: bytes, rearrests, today: datetime.date | None = None) -> list:
    """The return's row for one referral, in the order of return_columns.COLUMNS."""
    from django.utils import timezone

    person = referral.person
    received = received_on(referral.received_at)
    ready = [r.ready_at for r in referral.recommendations.all() if r.ready_at]
    court_outcome, court_on = _court(referral)
    orders = list(referral.orders.all())
    return [
        pseudonym("referral", referral.pk, key),
        pseudonym("person", referral.person_id, key),
        referral.team.name,
        referral.source,
        age_band(person.date_of_birth, received),
        person.gender,
        person.ethnicity.group if person.ethnicity else "Not stated",
        person.local_authority,
        received,
        _day(referral.screened_at),
        _day(referral.assessed_at),
        _day(min(ready, default=None)),
        court_outcome,
        court_on,
        *_order_columns(orders[0] if orders else None),
        rearrested_12m(referral, rearrests, today or timezone.localdate()),
    ]
