"""Dashboard facts for reoffending: every referral, 12 months beginning with its London date.

followed_up_12m counts the referrals whose window (referrals.reoffending) has ended by the
snapshot day; rearrested_12m those of them with a re-arrest or reconviction of the person
dated within the window, whichever of the person's referrals it was recorded on (so one
event in two overlapping windows counts for both referrals).
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Sum

from accounts.enums import Role
from referrals.enums import Gender
from reporting.models import CohortReferralFact
from reporting.snapshots import rebuild_day
from tests.factories import PersonFactory, ReferralFactory, TeamFactory, UserFactory
from tests.notifications.order_records import make_order
from treatment_requirements.models import ReoffendingEvent

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
d = datetime.date


def _at(day, hour=12):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=LONDON)


class _Data:
    def __init__(self):
        self.team = TeamFactory(name="Reoffending L&D")
        self.by = UserFactory(role=Role.PRACTITIONER, team=self.team)

    def person(self, gender=Gender.MALE):
        return PersonFactory(team=self.team, created_by=self.by, gender=gender)

    def referral(self, person, received_at):
        return ReferralFactory(
            person=person, team=self.team, created_by=self.by, received_at=received_at
        )

    def event(self, referral, kind, occurred_on):
        return ReoffendingEvent.objects.create(
            referral=referral,
            person=referral.person,
            kind=kind,
            occurred_on=occurred_on,
            recorded_by=self.by,
        )

    def facts(self, day, **cohort):
        rebuild_day(day)
        totals = CohortReferralFact.objects.filter(
            snapshot_date=day, team=self.team, **cohort
        ).aggregate(followed=Sum("followed_up_12m"), reoffended=Sum("rearrested_12m"))
        return totals["followed"] or 0, totals["reoffended"] or 0


@pytest.fixture
def data():
    return _Data()


def test_reoffending_facts_count_every_referral_over_its_london_window(data):
    woman = data.person(Gender.FEMALE)
    # 00:30 BST on 1 April 2025 (23:30 UTC on 31 March): 1 April 2025 to 31 March 2026.
    data.referral(woman, datetime.datetime(2025, 3, 31, 23, 30, tzinfo=datetime.UTC))
    # Her second referral, with an order: 1 May 2025 to 30 April 2026.
    second = data.referral(woman, _at(d(2025, 5, 1)))
    make_order(referral=second, made_on=d(2025, 6, 2))
    # One re-arrest, recorded on the second referral, within both windows: counts for both.
    data.event(second, "rearrest", d(2025, 8, 1))
    # 10 January 2025 to 9 January 2026: a re-arrest on the anniversary is outside it.
    anniversary = data.referral(data.person(), _at(d(2025, 1, 10)))
    data.event(anniversary, "rearrest", d(2026, 1, 10))
    # 1 February 2025 to 31 January 2026: a reconviction counts as well as a re-arrest.
    reconvicted = data.referral(data.person(), _at(d(2025, 2, 1)))
    data.event(reconvicted, "reconviction", d(2025, 6, 1))
    # Window not ended by any day below: never in the figures, even with an event.
    recent = data.referral(data.person(), _at(d(2025, 6, 1)))
    data.event(recent, "rearrest", d(2025, 7, 1))

    # The day before the summer referral's window ends, the day it ends, and after.
    assert data.facts(d(2026, 3, 30)) == (2, 1)
    assert data.facts(d(2026, 3, 31)) == (3, 2)
    assert data.facts(d(2026, 4, 1)) == (3, 2)
    assert data.facts(d(2026, 4, 30)) == (4, 3)
    # By cohort: the woman's two referrals.
    assert data.facts(d(2026, 4, 30), is_woman=True) == (2, 2)
    assert data.facts(d(2026, 4, 30), is_woman=False) == (2, 1)


def test_reoffending_facts_for_a_29_february_referral(data):
    # 29 February 2024 to 28 February 2025 (the check falls due on 1 March).
    last_day = data.referral(data.person(), _at(d(2024, 2, 29)))
    data.event(last_day, "rearrest", d(2025, 2, 28))
    day_after = data.referral(data.person(), _at(d(2024, 2, 29), hour=9))
    data.event(day_after, "rearrest", d(2025, 3, 1))
    # 28 February 2024 to 27 February 2025.
    day_before = data.referral(data.person(), _at(d(2024, 2, 28)))
    data.event(day_before, "reconviction", d(2025, 2, 27))

    assert data.facts(d(2025, 2, 26)) == (0, 0)
    assert data.facts(d(2025, 2, 27)) == (1, 1)
    assert data.facts(d(2025, 2, 28)) == (3, 2)
    assert data.facts(d(2025, 3, 1)) == (3, 2)
