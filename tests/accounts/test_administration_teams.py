"""The administration screens for teams and their sites: listed with their counts, added,
renamed and deactivated, each change in the history.
"""

import pytest
from django.urls import reverse

from accounts.enums import AccountChangeKind, AuditAction, SiteKind, TeamKind
from accounts.models import Site, Team, TeamChange
from core.concurrency import STALE_EDIT_MESSAGE
from tests.factories import SiteFactory, TeamFactory, UserFactory

from .helpers import audits

pytestmark = pytest.mark.django_db


# Teams and sites -----------------------------------------------------------------------------


def test_team_list_shows_each_team_with_active_users_and_sites(
    administrator_client, team, other_team
):
    UserFactory(team=team)
    UserFactory(team=team)
    UserFactory(team=team, is_active=False)
    SiteFactory(team=team)

    response = administrator_client.get(reverse("accounts:admin_team_list"))

    rows = {t.name: (t.active_members, t.site_count) for t in response.context["page"]}
    assert rows[team.name] == (2, 1)
    assert rows[other_team.name] == (0, 0)


@pytest.mark.parametrize("rows", [1, 3])
def test_team_list_query_count_does_not_grow_with_rows(
    administrator_client, django_assert_num_queries, rows
):
    for n in range(rows):
        SiteFactory(team=TeamFactory(name=f"Counted team {n}"))

    with django_assert_num_queries(5):  # session, user, inbox count, teams counted, a page
        administrator_client.get(reverse("accounts:admin_team_list"))


def test_admin_adds_a_team(administrator_client, admin):
    response = administrator_client.post(
        reverse("accounts:admin_team_create"),
        {"name": "Norfolk L&D", "kind": TeamKind.LIAISON_DIVERSION, "area": "Norfolk"},
    )

    assert response.status_code == 302
    team = Team.objects.get(name="Norfolk L&D")
    assert (team.kind, team.area, team.is_active) == (TeamKind.LIAISON_DIVERSION, "Norfolk", True)
    assert list(team.changes.values_list("what", "after", "by")) == [
        (AccountChangeKind.CREATED, "Norfolk L&D", admin.pk)
    ]
    assert audits(admin, action=AuditAction.CREATE) == [
        (AuditAction.CREATE, "accounts.team", str(team.pk), "team created: liaison_diversion")
    ]


def test_adding_a_team_with_a_taken_name_is_refused(administrator_client, team):
    response = administrator_client.post(
        reverse("accounts:admin_team_create"),
        {"name": team.name.upper(), "kind": TeamKind.LIAISON_DIVERSION},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["name"] == ["A team with this name already exists"]


def test_admin_renames_a_team_and_the_history_keeps_the_old_name(administrator_client, admin, team):
    response = administrator_client.post(
        reverse("accounts:admin_team_rename", args=[team.pk]),
        {"name": "Cambs L&D", "reason": "Merged services", "version": 1},
    )

    assert response.status_code == 302
    team.refresh_from_db()
    assert (team.name, team.version) == ("Cambs L&D", 2)
    assert list(team.changes.values_list("what", "before", "after", "reason")) == [
        (
            AccountChangeKind.RENAMED,
            "Cambridgeshire & Peterborough L&D",
            "Cambs L&D",
            "Merged services",
        )
    ]
    assert audits(admin, action=AuditAction.CHANGE)[-1][1:] == (
        "accounts.team",
        str(team.pk),
        "team renamed",
    )
    page = administrator_client.get(reverse("accounts:admin_team_detail", args=[team.pk]))
    assert "Merged services" in page.content.decode()


def test_a_stale_team_rename_is_refused(administrator_client, team):
    url = reverse("accounts:admin_team_rename", args=[team.pk])
    administrator_client.post(url, {"name": "First", "reason": "One", "version": 1})

    response = administrator_client.post(url, {"name": "Second", "reason": "Two", "version": 1})

    assert response.status_code == 409
    assert STALE_EDIT_MESSAGE in response.content.decode()
    team.refresh_from_db()
    assert team.name == "First"


def test_a_team_with_active_users_cannot_be_deactivated(administrator_client, team, practitioner):
    UserFactory(team=team, is_active=False)

    response = administrator_client.post(
        reverse("accounts:admin_team_active", args=[team.pk]),
        {"reason": "Closing", "version": 1},
    )

    assert response.status_code == 400
    assert "Move or deactivate the team&#x27;s 1 active user first" in response.content.decode()
    team.refresh_from_db()
    assert team.is_active is True


def test_admin_deactivates_and_reactivates_an_empty_team(administrator_client, admin, other_team):
    url = reverse("accounts:admin_team_active", args=[other_team.pk])

    administrator_client.post(url, {"reason": "Closed", "version": 1})
    other_team.refresh_from_db()
    assert other_team.is_active is False
    administrator_client.post(url, {"reason": "Reopened", "version": 2})

    other_team.refresh_from_db()
    assert other_team.is_active is True
    assert list(other_team.changes.order_by("id").values_list("what", "reason")) == [
        (AccountChangeKind.DEACTIVATED, "Closed"),
        (AccountChangeKind.REACTIVATED, "Reopened"),
    ]
    assert [d for *_, d in audits(admin, action=AuditAction.CHANGE)] == [
        "team deactivated",
        "team reactivated",
    ]


def test_admin_adds_renames_and_deactivates_a_site(administrator_client, admin, team):
    administrator_client.post(
        reverse("accounts:admin_site_create", args=[team.pk]),
        {"name": "Parkside", "kind": SiteKind.CUSTODY_SUITE},
    )
    site = Site.objects.get(team=team, name="Parkside")
    administrator_client.post(
        reverse("accounts:admin_site_rename", args=[team.pk, site.pk]),
        {"name": "Parkside custody suite", "reason": "Full name", "version": 1},
    )
    response = administrator_client.post(
        reverse("accounts:admin_site_active", args=[team.pk, site.pk]),
        {"reason": "Suite closed", "version": 2},
    )

    assert response.status_code == 302
    site.refresh_from_db()
    assert (site.name, site.is_active, site.version) == ("Parkside custody suite", False, 3)
    assert list(
        TeamChange.objects.filter(team=team, site=site)
        .order_by("id")
        .values_list("what", "before", "after")
    ) == [
        (AccountChangeKind.SITE_ADDED, "", "Parkside"),
        (AccountChangeKind.SITE_RENAMED, "Parkside", "Parkside custody suite"),
        (AccountChangeKind.SITE_DEACTIVATED, "Parkside custody suite", ""),
    ]
    assert [a for a, *_ in audits(admin, action__in=[AuditAction.CREATE, AuditAction.CHANGE])] == [
        AuditAction.CREATE,
        AuditAction.CHANGE,
        AuditAction.CHANGE,
    ]


def test_a_site_is_changed_only_under_its_own_team(administrator_client, team, other_team):
    site = SiteFactory(team=other_team)

    response = administrator_client.post(
        reverse("accounts:admin_site_rename", args=[team.pk, site.pk]),
        {"name": "Hijacked", "reason": "x", "version": 1},
    )

    assert response.status_code == 404
    site.refresh_from_db()
    assert site.name != "Hijacked"


def test_a_site_name_is_unique_within_its_team(administrator_client, team, other_team):
    SiteFactory(team=team, name="Parkside")
    SiteFactory(team=other_team, name="Riverside")

    taken = administrator_client.post(
        reverse("accounts:admin_site_create", args=[team.pk]),
        {"name": "parkside", "kind": SiteKind.CUSTODY_SUITE},
    )
    elsewhere = administrator_client.post(
        reverse("accounts:admin_site_create", args=[team.pk]),
        {"name": "Riverside", "kind": SiteKind.CUSTODY_SUITE},
    )

    assert taken.status_code == 400
    assert taken.context["form"].errors["name"] == ["This team already has a site with this name"]
    assert elsewhere.status_code == 302
