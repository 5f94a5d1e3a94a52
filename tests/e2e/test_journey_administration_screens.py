"""Administrator, end to end, in the service's own administration screens: find a user,
change their role and team with a reason, deactivate them, add a team and a site. Every
screen is checked with axe-core and saved as a screenshot."""

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
    admin = UserFactory(
        role=Role.ADMINISTRATOR,
        team=TeamFactory(name="Service administration", kind=TeamKind.ADMINISTRATION),
        username="alan",
    )
    page = signed_in_page(admin)

    _change_role_and_team_then_deactivate(page, practitioner, checkpoint, other_team)

    _add_a_team_with_a_site(page, live_server, checkpoint, admin)


def _change_role_and_team_then_deactivate(page, practitioner, checkpoint, other_team):
    """Find the practitioner, move them to lead the other team with a reason, then deactivate them:
    each change is in their history."""
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
    expect(page.locator("table")).to_contain_text("Moved to lead the Westminster team")
    checkpoint("04-history")

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
        AccountChangeKind.ROLE,
        AccountChangeKind.TEAM,
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
