"""An API client's service account is a member of its team for the access policy, but
never a person: it is not offered to assign, allocate or name, not counted in the workload
or on the administration screens, and never reminded (User.objects.people()).

Two L&D teams and two probation teams, each with several people and its own client."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.administration import selectors as admin_selectors
from accounts.administration import services as admin_services
from accounts.enums import Role, TeamKind
from accounts.models import User
from notifications.rules_messages import _recipients
from referrals.forms.access import _nameable_staff
from referrals.forms.actions import ReferralTransferForm
from referrals.forms.fields import team_practitioners
from tests.factories import PersonFactory, ReferralFactory, TeamFactory, UserFactory
from tests.treatment_requirements.factories import OrderFactory
from treatment_requirements.forms.allocation import officers_to_receive
from treatment_requirements.forms.court import CourtOutcomeForm
from treatment_requirements.selectors import caseload_officers
from treatment_requirements.workload import team_members


@pytest.fixture
def world(register):
    """{team name: (team, [its people], its client's service account)}."""
    found = {}
    for name, kind, roles, scopes in [
        (
            "Fenland L&D",
            TeamKind.LIAISON_DIVERSION,
            [Role.PRACTITIONER] * 2 + [Role.TEAM_LEAD],
            ["referrals:write"],
        ),
        (
            "Norwich L&D",
            TeamKind.LIAISON_DIVERSION,
            [Role.PRACTITIONER] * 2 + [Role.TEAM_LEAD],
            ["referrals:write"],
        ),
        (
            "Peterborough probation",
            TeamKind.PROBATION,
            [Role.PROBATION_OFFICER] * 3,
            ["orders:read"],
        ),
        ("Ipswich probation", TeamKind.PROBATION, [Role.PROBATION_OFFICER] * 2, ["orders:read"]),
    ]:
        team = TeamFactory(name=name, kind=kind)
        people = [UserFactory(team=team, role=role) for role in roles]
        client, _secret = register(team, scopes, name=f"{name} system")
        found[name] = (team, people, client.service_user)
    return found


def _ids(users) -> set[int]:
    return {user.pk for user in users}


def _accounts(world) -> set[int]:
    return {account.pk for _team, _people, account in world.values()}


def test_service_accounts_are_marked_and_people_leaves_only_them_out(world):
    people = _ids(User.objects.people())

    assert all(User.objects.get(pk=pk).is_service_account for pk in _accounts(world))
    assert people.isdisjoint(_accounts(world))
    assert all(_ids(members) <= people for _team, members, _account in world.values())


@pytest.mark.parametrize("name", ["Fenland L&D", "Norwich L&D"])
def test_assign_to_offers_the_teams_practitioners_not_its_client(world, name):
    team, people, _account = world[name]

    assert _ids(team_practitioners(team.pk)) == _ids(people)


def test_transfer_offers_other_teams_practitioners_not_their_clients(world):
    team, people, _account = world["Fenland L&D"]
    referral = ReferralFactory(person=PersonFactory(team=team))

    offered = _ids(ReferralTransferForm(referral=referral).fields["assignee"].queryset)

    assert offered == _ids(world["Norwich L&D"][1])


def test_naming_someone_on_a_record_never_offers_a_client(world):
    team, people, _account = world["Fenland L&D"]

    offered = _ids(_nameable_staff(PersonFactory(team=team)))

    assert offered.isdisjoint(_accounts(world))
    assert _ids(people) <= offered


@pytest.mark.parametrize("name", ["Peterborough probation", "Ipswich probation"])
def test_officer_pickers_offer_officers_only(world, name):
    team, officers, _account = world[name]
    everyone = _ids(world["Peterborough probation"][1]) | _ids(world["Ipswich probation"][1])

    assert _ids(officers_to_receive(team.pk, may_transfer=False)) == _ids(officers)
    assert _ids(officers_to_receive(team.pk, may_transfer=True)) == everyone
    assert _ids(caseload_officers(officers[0])) == _ids(officers)


def test_court_outcome_offers_officers_not_clients(world):
    form = CourtOutcomeForm(recommendation=OrderFactory().recommendation)

    offered = _ids(form.fields["responsible_officer"].queryset)

    assert offered.isdisjoint(_accounts(world))
    assert _ids(world["Ipswich probation"][1]) <= offered


@pytest.mark.parametrize("name", ["Fenland L&D", "Peterborough probation"])
def test_team_workload_counts_people_not_the_client(world, name):
    team, people, _account = world[name]

    assert _ids(team_members(team)) == _ids(people)


def test_workload_page_never_shows_the_client(client, world):
    team, people, _account = world["Fenland L&D"]
    client.force_login(people[2])  # the team lead

    html = client.get(reverse("treatment_requirements:team_workload")).content.decode()

    assert "Fenland L&amp;D system" not in html
    assert all(person.display_name in html for person in people)


def test_message_reminder_reaches_officers_not_the_client(world):
    team, officers, _account = world["Peterborough probation"]
    gone = UserFactory(team=team, role=Role.PROBATION_OFFICER, is_active=False)
    order = OrderFactory(responsible_officer=gone, probation_team=team)

    assert set(_recipients(order)) == _ids(officers)


def test_user_administration_lists_people_only(client, world, administrator):
    client.force_login(administrator)

    html = client.get(reverse("accounts:admin_user_list")).content.decode()

    for _team, people, account in world.values():
        assert account.last_name not in html
        assert all(person.last_name in html for person in people)
    assert _accounts(world).isdisjoint(_ids(admin_selectors.user_search()))


def test_a_service_account_has_no_user_page_to_change(client, world, administrator):
    _team, people, account = world["Norwich L&D"]
    client.force_login(administrator)

    assert client.get(reverse("accounts:admin_user_detail", args=[account.pk])).status_code == 404
    refused = client.post(reverse("accounts:admin_user_sessions_end", args=[account.pk]))
    assert refused.status_code == 404
    assert client.get(reverse("accounts:admin_user_detail", args=[people[0].pk])).status_code == 200


def test_team_list_counts_people_and_a_team_with_a_client_is_not_deactivated(world, administrator):
    counts = {team.name: team.active_members for team in admin_selectors.team_list()}
    team, people, _account = world["Ipswich probation"]
    User.objects.filter(pk__in=_ids(people)).update(is_active=False)
    team.refresh_from_db()

    with pytest.raises(ValidationError) as refused:
        admin_services.team_set_active(
            team=team,
            by=administrator,
            active=False,
            reason="Merged",
            expected_version=team.version,
        )

    assert counts["Fenland L&D"] == 3
    assert counts["Ipswich probation"] == 2
    assert refused.value.code == "has_api_clients"
