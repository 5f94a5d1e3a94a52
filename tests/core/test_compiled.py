"""Queries compiled once (core.compiled): the same rows as the ORM's for each set of values,
and a builder that bakes a value into the query's shape is caught by the tests' check."""

import datetime

import pytest
from django.db.models import Prefetch

from core.compiled import compiled_rows
from referrals.models import Person, Referral
from tests.factories import PersonFactory, ReferralFactory, TeamFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(1980, 6, 15)


def _people(team_id, born_after):
    return (
        Person.objects.filter(team_id=team_id, date_of_birth__gt=born_after)
        .select_related("team")
        .prefetch_related(Prefetch("referrals", queryset=Referral.objects.order_by("pk")))
        .order_by("pk")
    )


def test_each_call_reads_its_own_values_rows_and_relations():
    north, south = TeamFactory(), TeamFactory()
    day_before = PersonFactory(team=north, date_of_birth=DAY - datetime.timedelta(days=1))
    on_the_day = PersonFactory(team=north, date_of_birth=DAY)
    day_after = PersonFactory(team=north, date_of_birth=DAY + datetime.timedelta(days=1))
    southern = PersonFactory(team=south, date_of_birth=DAY + datetime.timedelta(days=1))
    referral = ReferralFactory(person=day_after, team=north)

    key = ("test people born after", 1)
    rows = compiled_rows(key, _people, team_id=north.pk, born_after=DAY)
    assert rows == [day_after]
    assert rows[0].team == north  # select_related, no query
    assert list(rows[0].referrals.all()) == [referral]  # prefetched

    earlier = DAY - datetime.timedelta(days=2)
    assert compiled_rows(key, _people, team_id=north.pk, born_after=earlier) == [
        day_before,
        on_the_day,
        day_after,
    ]
    assert compiled_rows(key, _people, team_id=south.pk, born_after=DAY) == [southern]


def test_the_compiled_query_runs_without_being_built_again(django_assert_num_queries):
    team = TeamFactory()
    person = PersonFactory(team=team, date_of_birth=DAY)
    key = ("test people born after", 2)
    compiled_rows(key, _people, team_id=team.pk, born_after=DAY)
    with django_assert_num_queries(2):  # the people and their referrals
        assert compiled_rows(
            key, _people, team_id=team.pk, born_after=DAY - datetime.timedelta(days=1)
        ) == [person]


def test_a_value_derived_inside_the_builder_is_caught():
    team = TeamFactory()

    def derived(team_id, born_after):
        return _people(team_id, born_after + datetime.timedelta(days=1))

    with pytest.raises(AssertionError, match="differs from the ORM"):
        compiled_rows(("test derived", 3), derived, team_id=team.pk, born_after=DAY)


def test_a_none_is_run_as_built():
    team = TeamFactory()
    PersonFactory(team=team, date_of_birth=DAY)
    assert compiled_rows(("test none", 4), _people, team_id=None, born_after=DAY) == []
