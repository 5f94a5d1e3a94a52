"""Administrator, end to end, in the service's own administration screens: find a user,
ask for another role and team with a reason, a second administrator approves it, then
deactivates them; add a team and a site. Every screen is checked with axe-core and saved
as a screenshot."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.enums import AccountChangeKind, Role, SiteKind, TeamKind
from accounts.models import Team, User
from tests.factories import TeamFactory, UserFactory

from .journey_helpers import journey_checkpoint  # noqa: F401 - a fixture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_administrator_manages_users_teams_and_sites(
    signed_in_page, team, other_team, practitioner, checkpoint, live_server
):
    admin_team = TeamFactory(name="Service administration", kind=TeamKind.ADMINISTRATION)
    admin = UserFactory(role=Role.ADMINISTRATOR, team=admin_team, username="alan")
    second = UserFactory(role=Role.ADMINISTRATOR, team=admin_team, username="bea")
    page = signed_in_page(admin)

    _ask_for_another_role_and_team(page, practitioner, checkpoint, other_team)
    page.get_by_role("button", name="Sign out").click()
    signed_in_page(second)
    _approve_then_deactivate(page, live_server, practitioner, checkpoint, other_team)

    _add_a_team_with_a_site(page, live_server, checkpoint, admin)


def _ask_for_another_role_and_team(page, practitioner, checkpoint, other_team):
    """Find the practitioner and ask for them to lead the other team, with a reason: it
    waits for a second administrator (the role sees people's records)."""
    page.get_by_role("link", name="Users and teams").click()
    expect(page.get_by_role("heading", name="Users", exact=True)).to_be_visible()
    page.fill("#id_q", practitioner.last_name)
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#users")).to_contain_text(practitioner.username)
    checkpoint("01-users")

    page.get_by_role("link", name=practitioner.display_name).click()
    checkpoint("02-user")
    page.get_by_role("link", name="Change role and team").click()
    page.get_by_label("L&D team lead").check()
    page.select_option("#id_team", label=other_team.name)
    page.fill("#id_reason", "Moved to lead the Westminster team")
    checkpoint("03-change-role-and-team")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#pending-request")).to_contain_text("waiting for a second")
    expect(page.locator("table")).to_contain_text("Role or team change requested")
    checkpoint("04-requested")
    practitioner.refresh_from_db()
    assert (practitioner.role, practitioner.team_id) != (Role.TEAM_LEAD, other_team.pk)


def _approve_then_deactivate(page, live_server, practitioner, checkpoint, other_team):
    """A second administrator approves the change, then deactivates the user: each step
    is in their history."""
    page.goto(live_server.url + reverse("accounts:admin_access_request_list"))
    expect(page.locator("#access-requests")).to_contain_text(practitioner.display_name)
    checkpoint("04a-waiting")
    page.get_by_role("link", name="Approve or reject").click()
    page.get_by_label("Approve: change the role and team now").check()
    page.fill("#id_reason", "Agreed with the service manager")
    checkpoint("04b-decide")
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator("main")).to_contain_text("No changes are waiting for approval")
    page.goto(live_server.url + reverse("accounts:admin_user_detail", args=[practitioner.pk]))
    expect(page.locator("table")).to_contain_text("Moved to lead the Westminster team")
    checkpoint("04c-history")

    page.get_by_role("link", name="Deactivate user").click()
    page.fill("#id_reason", "Left the service")
    page.get_by_role("button", name="Deactivate").click()
    expect(page.locator("main")).to_contain_text("Deactivated: cannot sign in")
    checkpoint("05-deactivated")
    practitioner.refresh_from_db()
    assert (practitioner.role, practitioner.team, practitioner.is_active) == (
        Role.TEAM_LEAD,
        other_team,
        False,
    )
    assert [c.what for c in practitioner.changes.order_by("id")] == [
        AccountChangeKind.ACCESS_REQUESTED,
        AccountChangeKind.ROLE,
        AccountChangeKind.TEAM,
        AccountChangeKind.ACCESS_APPROVED,
        AccountChangeKind.DEACTIVATED,
    ]


def _add_a_team_with_a_site(page, live_server, checkpoint, admin):
    """Add a team, then a custody suite to it."""
    page.goto(live_server.url + reverse("accounts:admin_team_list"))
    checkpoint("06-teams")
    page.get_by_role("link", name="Add a team").click()
    page.fill("#id_name", "Norfolk L&D")
    page.get_by_label("Liaison & Diversion service").check()
    page.get_by_role("button", name="Add team").click()
    expect(page.locator("#teams")).to_contain_text("Norfolk L&D")
    page.get_by_role("link", name="Norfolk L&D").click()
    page.get_by_role("link", name="Add a site").click()
    page.fill("#id_name", "Norwich custody suite")
    page.get_by_label("Police custody suite").check()
    page.get_by_role("button", name="Add site").click()
    expect(page.locator("#sites")).to_contain_text("Norwich custody suite")
    checkpoint("07-team-with-site")
    norfolk = Team.objects.get(name="Norfolk L&D")
    assert list(norfolk.sites.values_list("name", "kind")) == [
        ("Norwich custody suite", SiteKind.CUSTODY_SUITE)
    ]
    assert User.objects.get(pk=admin.pk).role == Role.ADMINISTRATOR
