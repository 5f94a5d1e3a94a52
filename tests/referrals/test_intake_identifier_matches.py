"""Identifier look-ups at intake (and on the person's edit) are audited (issue 17, item 3).

Typing an NHS number, PNC ID or CRO number already recorded finds that person. One the user
may see is named as before, and the view is audited. One held only by other teams is not
shown at all: the page says a record exists in another service and which services to
contact, and the audit trail records the look-up with the reason (the teams' ids and the
kinds of identifier, never the value typed).
"""

import datetime

import pytest
from django.urls import reverse

from accounts.enums import AuditAction
from accounts.models import AuditEvent
from referrals.models import Person, Referral
from tests.factories import PersonFactory, ReferralFactory, TeamFactory

INTAKE = reverse("referrals:intake")
NHS_NUMBER, PNC_ID = "9434765919", "1979/0163001B"  # what intake_data types, normalised

pytestmark = pytest.mark.django_db


@pytest.fixture
def luton():
    return TeamFactory(name="Luton L&D", area="Bedfordshire")


@pytest.fixture
def held_elsewhere(other_team, luton):
    """Someone recorded by another team, with referrals in that team and a third one."""
    person = PersonFactory(
        team=other_team,
        given_name="Hidden",
        family_name="Personne",
        date_of_birth=datetime.date(1975, 8, 3),
        nhs_number=NHS_NUMBER,
        pnc_id=None,
    )
    ReferralFactory(person=person, team=other_team)
    ReferralFactory(person=person, team=luton)
    return person


def _entries(person, action):
    return list(
        AuditEvent.objects.filter(person_id=person.pk, action=action).values_list(
            "username", "object_type", "object_id", "detail"
        )
    )


def _ids(*teams):
    """Team ids as the audit entry lists them: in the order of the teams' names."""
    return ", ".join(str(team.pk) for team in sorted(teams, key=lambda team: team.name))


def test_another_teams_person_is_only_said_to_exist_with_whom_to_contact(
    practitioner_client, intake_data, held_elsewhere, other_team, luton
):
    response = practitioner_client.post(INTAKE, intake_data(**{"person-pnc_id": ""}))

    body = response.content.decode()
    assert response.status_code == 400
    assert "A person with this NHS number is already recorded by another service" in body
    assert "Luton L&amp;D (Bedfordshire)" in body
    assert "Westminster custody L&amp;D (Test area)" in body
    shown = ["Hidden", "Personne", "3 August 1975", "03/08/1975", "3 Aug 1975"]
    shown += [referral.reference for referral in held_elsewhere.referrals.all()]
    assert [text for text in shown if text in body] == []
    assert reverse("referrals:person_detail", args=[held_elsewhere.pk]) not in body
    assert 'name="match_decision"' not in body
    assert (
        Person.objects.count() == 1 and not Referral.objects.exclude(person=held_elsewhere).exists()
    )


def test_the_look_up_of_another_teams_person_is_audited_with_the_reason(
    practitioner_client, intake_data, held_elsewhere, other_team, luton
):
    practitioner_client.post(INTAKE, intake_data(**{"person-pnc_id": ""}))

    assert _entries(held_elsewhere, AuditAction.SEARCH) == [
        (
            "practitioner",
            "referrals.person",
            str(held_elsewhere.pk),
            f"intake match: other team {_ids(other_team, luton)}, by nhs_number",
        )
    ]
    assert _entries(held_elsewhere, AuditAction.VIEW) == []
    assert not AuditEvent.objects.filter(detail__contains=NHS_NUMBER[:6]).exists()


def test_a_person_found_by_two_identifiers_is_one_entry_naming_both_kinds(
    practitioner_client, intake_data, held_elsewhere, other_team, luton
):
    Person.objects.filter(pk=held_elsewhere.pk).update(pnc_id=PNC_ID)

    response = practitioner_client.post(INTAKE, intake_data())

    body = response.content.decode()
    assert "A person with this NHS number is already recorded by another service" in body
    assert "A person with this PNC ID is already recorded by another service" in body
    assert [detail for *_, detail in _entries(held_elsewhere, AuditAction.SEARCH)] == [
        f"intake match: other team {_ids(other_team, luton)}, by nhs_number, pnc_id"
    ]


def test_a_match_in_the_users_own_team_keeps_todays_page_and_is_audited_as_a_view(
    practitioner_client, intake_data, team
):
    mine = PersonFactory(team=team, given_name="Zoe", family_name="Known", nhs_number=NHS_NUMBER)

    response = practitioner_client.post(INTAKE, intake_data(**{"person-pnc_id": ""}))

    body = response.content.decode()
    assert response.status_code == 400
    assert "A person with this NHS number is already recorded: " in body
    assert "Zoe Known" in body
    assert reverse("referrals:person_detail", args=[mine.pk]) in body
    assert f'name="match_decision" value="{mine.pk}"' in body
    assert "another service" not in body
    assert [detail for *_, detail in _entries(mine, AuditAction.VIEW)] == [
        "intake match: by nhs_number"
    ]
    assert _entries(mine, AuditAction.SEARCH) == []


def test_a_person_of_another_team_referred_to_the_users_team_is_named(
    practitioner_client, intake_data, team, other_team
):
    shared = PersonFactory(team=other_team, family_name="Shared", nhs_number=NHS_NUMBER)
    ReferralFactory(person=shared, team=team)

    body = practitioner_client.post(INTAKE, intake_data(**{"person-pnc_id": ""})).content.decode()

    assert "Shared" in body and "another service" not in body
    assert [detail for *_, detail in _entries(shared, AuditAction.VIEW)] == [
        "intake match: by nhs_number"
    ]


def test_one_identifier_finds_a_visible_person_and_another_a_hidden_one(
    practitioner_client, intake_data, team, held_elsewhere, other_team, luton
):
    mine = PersonFactory(team=team, family_name="Known", nhs_number=None, pnc_id=PNC_ID)

    body = practitioner_client.post(INTAKE, intake_data()).content.decode()

    assert "A person with this PNC ID is already recorded: " in body
    assert f'name="match_decision" value="{mine.pk}"' in body
    assert "A person with this NHS number is already recorded by another service" in body
    assert "Personne" not in body
    assert [detail for *_, detail in _entries(mine, AuditAction.VIEW)] == [
        "intake match: by pnc_id"
    ]
    assert [detail for *_, detail in _entries(held_elsewhere, AuditAction.SEARCH)] == [
        f"intake match: other team {_ids(other_team, luton)}, by nhs_number"
    ]


@pytest.mark.parametrize(
    "typed",
    [
        {"person-nhs_number": "943 476 591"},  # a digit short
        {"person-nhs_number": "94347659"},  # the first eight digits
        {"person-nhs_number": "9434765918"},  # the last digit wrong
        {"person-nhs_number": "", "person-pnc_id": "79/163001"},  # no check letter
    ],
)
def test_a_partial_identifier_finds_no_one_and_is_not_audited(
    practitioner_client, intake_data, held_elsewhere, typed
):
    Person.objects.filter(pk=held_elsewhere.pk).update(pnc_id=PNC_ID)
    data = intake_data(**{"person-pnc_id": "", **typed})

    body = practitioner_client.post(INTAKE, data).content.decode()

    assert "already recorded" not in body
    assert AuditEvent.objects.filter(person_id=held_elsewhere.pk).count() == 0


def test_a_short_pnc_id_finds_the_person_holding_its_full_form(
    practitioner_client, intake_data, held_elsewhere, other_team, luton
):
    Person.objects.filter(pk=held_elsewhere.pk).update(nhs_number=None, pnc_id=PNC_ID)

    body = practitioner_client.post(INTAKE, intake_data()).content.decode()  # 79/163001b

    assert "A person with this PNC ID is already recorded by another service" in body
    assert [detail for *_, detail in _entries(held_elsewhere, AuditAction.SEARCH)] == [
        f"intake match: other team {_ids(other_team, luton)}, by pnc_id"
    ]


def test_a_team_no_longer_running_is_not_offered_but_is_audited(
    practitioner_client, intake_data, held_elsewhere, other_team, luton
):
    luton.is_active = False
    luton.save()

    body = practitioner_client.post(INTAKE, intake_data(**{"person-pnc_id": ""})).content.decode()

    assert "Westminster custody L&amp;D" in body and "Luton" not in body
    assert [detail for *_, detail in _entries(held_elsewhere, AuditAction.SEARCH)] == [
        f"intake match: other team {_ids(other_team, luton)}, by nhs_number"
    ]


def test_with_no_team_running_the_page_says_to_ask_the_team_lead(
    practitioner_client, intake_data, held_elsewhere, other_team, luton
):
    for closed in (other_team, luton):
        closed.is_active = False
        closed.save()

    body = practitioner_client.post(INTAKE, intake_data(**{"person-pnc_id": ""})).content.decode()

    assert "contact your team lead to arrange access" in body
    assert "Westminster" not in body and "Luton" not in body


def test_the_person_edit_look_up_is_audited_the_same_way(
    practitioner_client, team, held_elsewhere, other_team, luton
):
    person = PersonFactory(team=team)
    data = {
        "given_name": person.given_name,
        "family_name": person.family_name,
        "date_of_birth": f"{person.date_of_birth:%d/%m/%Y}",
        "gender": person.gender,
        "nhs_number": NHS_NUMBER,
        "version": person.version,
    }

    response = practitioner_client.post(reverse("referrals:person_edit", args=[person.pk]), data)

    body = response.content.decode()
    assert response.status_code == 400
    assert "already recorded by another service" in body and "Luton L&amp;D" in body
    assert "Personne" not in body
    assert [detail for *_, detail in _entries(held_elsewhere, AuditAction.SEARCH)] == [
        f"person edit match: other team {_ids(other_team, luton)}, by nhs_number"
    ]


def test_a_likely_match_by_name_and_birth_date_is_audited_with_the_reason(
    practitioner_client, intake_data, team
):
    match = PersonFactory(
        team=team, given_name="Zoe", family_name="O'Brien", date_of_birth=datetime.date(1991, 2, 14)
    )
    data = intake_data(**{"person-nhs_number": "", "person-pnc_id": ""})

    practitioner_client.post(INTAKE, data)

    assert [detail for *_, detail in _entries(match, AuditAction.VIEW)] == [
        "intake match: by name and date of birth"
    ]
