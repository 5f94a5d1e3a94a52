"""The dashboard facts built overnight: cohorts at their age boundaries, hour buckets."""

import datetime

from django.db.models import Sum

from referrals.enums import Gender, ReferralStatus
from reporting.models import CohortBreakdownFact, CohortReferralFact
from reporting.overnight import build_day
from reporting.selectors.figures import median_hours
from tests.factories import PersonFactory, ReferralFactory, SiteFactory

from .known_data import LONDON, SNAPSHOT_DAY


def _referral(site, *, born, received, gender=Gender.MALE, veteran=False, screened_after=None):
    person = PersonFactory(team=site.team, date_of_birth=born, gender=gender, is_veteran=veteran)
    referral = ReferralFactory(person=person, team=site.team, site=site, received_at=received)
    if screened_after is not None:
        referral.screened_at = received + screened_after
        referral.status = ReferralStatus.SCREENED
        referral.save()
    return referral


def _cohort_counts():
    rows = CohortBreakdownFact.objects.filter(snapshot_date=SNAPSHOT_DAY, measure="gender")
    return dict(rows.values_list("cohort").annotate(n=Sum("count")))


def test_young_adult_cohort_is_age_18_to_24_on_the_day_of_referral(frozen_clock, db):
    site = SiteFactory()
    received = datetime.datetime(2026, 6, 15, 9, tzinfo=LONDON)
    _referral(site, born=datetime.date(2008, 6, 15), received=received)  # 18 that day
    _referral(site, born=datetime.date(2008, 6, 16), received=received)  # 17
    _referral(site, born=datetime.date(2001, 6, 16), received=received)  # 24
    _referral(site, born=datetime.date(2001, 6, 15), received=received)  # 25 that day

    build_day(SNAPSHOT_DAY, trigger="test")

    assert _cohort_counts() == {"all": 4, "18_24": 2}


def test_each_referral_counts_under_all_and_every_cohort_it_belongs_to(frozen_clock, db):
    site = SiteFactory()
    received = datetime.datetime(2026, 6, 15, 9, tzinfo=LONDON)
    _referral(
        site, born=datetime.date(2004, 1, 1), received=received, gender=Gender.FEMALE, veteran=True
    )
    _referral(site, born=datetime.date(1970, 1, 1), received=received)

    build_day(SNAPSHOT_DAY, trigger="test")

    assert _cohort_counts() == {"all": 2, "women": 1, "18_24": 1, "veterans": 1}
    flags = CohortReferralFact.objects.filter(snapshot_date=SNAPSHOT_DAY)
    assert flags.filter(is_woman=True, is_young_adult=True, is_veteran=True).count() == 1


def test_hours_to_screening_are_bucketed_after_three_days(frozen_clock, db):
    site = SiteFactory()
    received = datetime.datetime(2026, 6, 15, 9, tzinfo=LONDON)
    for hours in (0, 71.99, 72, 101, 200, 900):
        _referral(
            site,
            born=datetime.date(1980, 1, 1),
            received=received,
            screened_after=datetime.timedelta(hours=hours),
        )
    _referral(site, born=datetime.date(1980, 1, 1), received=received)  # not screened

    build_day(SNAPSHOT_DAY, trigger="test")

    rows = CohortBreakdownFact.objects.filter(
        snapshot_date=SNAPSHOT_DAY, measure="hours_to_screening", cohort="all"
    )
    assert dict(rows.values_list("category", "count")) == {
        "0": 1,
        "71": 1,
        "72": 1,
        "96": 1,
        "192": 1,
        "720": 1,
    }


def test_median_of_a_histogram_averages_the_two_middle_values():
    assert median_hours({2: 1, 4: 1}) == 3
    assert median_hours({1: 3, 9: 1}) == 1
    assert median_hours({}) is None
