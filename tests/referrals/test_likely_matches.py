"""Likely matches at intake: the same person typed with the day and month of birth swapped
(issue 12, item 11)."""

import datetime
import re

import pytest
from django.urls import reverse

from referrals.models import Person, Referral
from referrals.selectors import likely_matches
from tests.factories import PersonFactory

INTAKE = reverse("referrals:intake")

pytestmark = pytest.mark.django_db


def _matches(user, day, given="Zoe", family="O'Brien"):
    found = likely_matches(user=user, given_name=given, family_name=family, date_of_birth=day)
    return [(p.family_name, p.date_of_birth) for p in found]


@pytest.fixture
def people(team):
    """Several people called Zoe O'Brien (and one not) on nearby dates."""
    rows = [
        ("O'Brien", datetime.date(1990, 7, 3)),  # 3 July: 7 March swapped
        ("O'Brien", datetime.date(1990, 9, 3)),  # another date altogether
        ("O'Brien", datetime.date(1990, 5, 5)),  # day == month: swapping changes nothing
        ("O'Brien", datetime.date(1991, 3, 7)),  # swapped day and month, another year
        ("Other", datetime.date(1990, 7, 3)),  # the swapped date, another name
    ]
    return [
        PersonFactory(team=team, given_name="Zoe", family_name=family, date_of_birth=day)
        for family, day in rows
    ]


def test_likely_matches_include_a_birth_date_with_day_and_month_swapped(practitioner, people):
    assert _matches(practitioner, datetime.date(1990, 3, 7)) == [
        ("O'Brien", datetime.date(1990, 7, 3))
    ]


def test_likely_matches_list_the_exact_date_before_the_swapped_one(practitioner, team, people):
    exact = PersonFactory(
        team=team, given_name="Zoë", family_name="O'Brien", date_of_birth=datetime.date(1990, 3, 7)
    )

    found = likely_matches(
        user=practitioner,
        given_name="Zoe",
        family_name="OBrien",
        date_of_birth=datetime.date(1990, 3, 7),
    )

    assert [p.pk for p in found] == [exact.pk, people[0].pk]


def test_likely_matches_day_equal_to_month_is_matched_once(practitioner, people):
    assert _matches(practitioner, datetime.date(1990, 5, 5)) == [
        ("O'Brien", datetime.date(1990, 5, 5))
    ]


@pytest.mark.parametrize(
    "day",
    [
        datetime.date(1990, 3, 13),  # 13 March: no 13th month
        datetime.date(1990, 8, 31),  # 31 August: no 31st month
        datetime.date(1990, 3, 8),  # 8 March swaps to 3 August: nobody born then
    ],
)
def test_likely_matches_no_swap_when_the_swapped_date_is_invalid_or_unused(
    practitioner, people, day
):
    assert _matches(practitioner, day) == []


def test_likely_matches_swapped_date_of_another_team_is_not_offered(
    practitioner, other_team, people
):
    PersonFactory(
        team=other_team,
        given_name="Zoe",
        family_name="O'Brien",
        date_of_birth=datetime.date(1992, 11, 4),
    )

    assert _matches(practitioner, datetime.date(1992, 4, 11)) == []


def test_intake_offers_the_person_with_day_and_month_swapped(
    practitioner_client, intake_data, people
):
    data = intake_data(
        **{
            "person-given_name": "Zoe",
            "person-date_of_birth": "7/3/1990",
            "person-nhs_number": "",
            "person-pnc_id": "",
        }
    )

    response = practitioner_client.post(INTAKE, data)

    body = response.content.decode()
    assert response.status_code == 200
    assert "Possible match" in body
    offered = re.findall(r'name="match_decision"[^>]*value="([^"]+)"', body)
    assert offered == [str(people[0].pk), "new"]
    assert "Day and month the other way round" in body
    assert Person.objects.count() == 5 and not Referral.objects.exists()
