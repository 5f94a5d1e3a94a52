"""Administrator, end to end, in the service's own administration screens: find a user,
ask for another role and team with a reason, and add a practitioner (an account that waits,
with no password shown); a second administrator approves the account (seeing its temporary
password, with which the new practitioner signs in) and the change, then deactivates the
user; add a team and a site. Every screen is checked with axe-core and saved as a
screenshot."""

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
    _add_a_practitioner(page, live_server, checkpoint, team)
    page.get_by_role("button", name="Sign out").click()
    signed_in_page(second)
    password = _approve_the_new_account(page, live_server, checkpoint)
    _approve_then_deactivate(page, live_server, practitioner, checkpoint, other_team)

    _add_a_team_with_a_site(page, live_server, checkpoint, admin)
    page.get_by_role("button", name="Sign out").click()
    signed_in_page(User.objects.get(username="nevans"), password)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


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


def _add_a_practitioner(page, live_server, checkpoint, team):
    """Add a practitioner: the role sees people's records, so the account is made inactive
    and waits for a second administrator; no password is shown to the one who added it."""
    page.goto(live_server.url + reverse("accounts:admin_user_list"))
    page.get_by_role("link", name="Add a user").click()
    page.fill("#id_first_name", "Nia")
    page.fill("#id_last_name", "Evans")
    page.fill("#id_username", "nevans")
    page.fill("#id_email", "nia.evans@example.nhs.uk")
    page.get_by_label("L&D practitioner").check()
    page.select_option("#id_team", label=team.name)
    page.fill("#id_reason", "Joins the custody rota on Monday")
    checkpoint("04d-add-a-practitioner")
    page.get_by_role("button", name="Add user").click()
    expect(page.locator("main")).to_contain_text("User added: waiting for approval")
    expect(page.locator(".app-temporary-password")).to_have_count(0)
    checkpoint("04e-added-waiting")
    assert User.objects.get(username="nevans").is_active is False


def _approve_the_new_account(page, live_server, checkpoint):
    """The second administrator approves the new account and alone sees its password."""
    page.goto(live_server.url + reverse("accounts:admin_access_request_list"))
    expect(page.locator("#access-requests")).to_contain_text("A new account")
    page.get_by_role("link", name="Approve or reject the change for Nia Evans").click()
    page.get_by_label("Approve: activate the account now").check()
    page.fill("#id_reason", "Start date confirmed by the team lead")
    checkpoint("04f-approve-the-account")
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator("main")).to_contain_text("Account approved")
    checkpoint("04g-account-approved")
    return page.locator(".app-temporary-password code").inner_text().strip()


def _approve_then_deactivate(page, live_server, practitioner, checkpoint, other_team):
    """A second administrator approves the change, then deactivates the user: each step
    is in their history."""
    page.goto(live_server.url + reverse("accounts:admin_access_request_list"))
    expect(page.locator("#access-requests")).to_contain_text(practitioner.display_name)
    checkpoint("04a-waiting")
    page.get_by_role(
        "link", name=f"Approve or reject the change for {practitioner.display_name}"
    ).click()
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
