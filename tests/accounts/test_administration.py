"""The administration screens: staff accounts, teams and sites, for administrators only.

Every change keeps a history row and an audit entry; an administrator cannot change their
own account; two administrators editing the same record get a clear message, not a silent
overwrite; a deactivated user's sessions end."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.enums import AccountChangeKind, AuditAction, Role, SiteKind, TeamKind
from accounts.models import AuditEvent, Site, Team, TeamChange, User, UserChange
from core.concurrency import STALE_EDIT_MESSAGE
from tests.factories import SiteFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def admin_team(db):
    return TeamFactory(name="Service administration", kind=TeamKind.ADMINISTRATION)


@pytest.fixture
def admin(admin_team):
    return UserFactory(
        role=Role.ADMINISTRATOR,
        team=admin_team,
        username="admin",
        first_name="Ada",
        last_name="Admin",
    )


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def _broken_summary_links(body):
    """Error summary links that point at no element of the page."""
    start = body.index('class="govuk-error-summary"')
    summary = body[start : body.index("</ul>", start)]
    ids = set(re.findall(r'id="([^"]+)"', body))
    links = re.findall(r'href="#([^"]+)"', summary)
    assert links
    return [link for link in links if link not in ids]


def _audits(user, **filters):
    return list(
        AuditEvent.objects.filter(user=user, **filters)
        .order_by("id")
        .values_list("action", "object_type", "object_id", "detail")
    )


# The user list -----------------------------------------------------------------------------


def test_user_list_searches_by_name_and_filters_by_role_team_and_status(
    admin_client, team, other_team
):
    UserFactory(first_name="Priya", last_name="Shah", username="pshah", team=team)
    UserFactory(
        first_name="Priya",
        last_name="Okoro",
        username="pokoro",
        team=other_team,
        role=Role.TEAM_LEAD,
    )
    UserFactory(first_name="Priya", last_name="Lund", username="plund", team=team, is_active=False)
    UserFactory(first_name="Tom", last_name="Shah", username="tshah", team=team)
    url = reverse("accounts:admin_user_list")

    def usernames(**query):
        response = admin_client.get(url, query)
        assert response.status_code == 200
        return [u.username for u in response.context["page"].object_list]

    assert usernames(q="priya") == ["plund", "pokoro", "pshah"]
    assert usernames(q="priya shah") == ["pshah"]
    assert usernames(q="PSHAH") == ["pshah"]
    assert usernames(q="priya", role=Role.TEAM_LEAD) == ["pokoro"]
    assert usernames(q="priya", team=team.pk) == ["plund", "pshah"]
    assert usernames(q="priya", status="inactive") == ["plund"]
    assert usernames(q="priya", status="active") == ["pokoro", "pshah"]


@pytest.mark.parametrize(
    "query",
    [
        {"team": "abc"},
        {"team": "99999999999999999999999"},
        {"role": "superuser"},
        {"status": "banned"},
        {"q": "x\x00y"},
        {"q": "x" * 101},
    ],
)
def test_user_list_answers_hostile_filters_with_a_message(admin_client, query):
    response = admin_client.get(reverse("accounts:admin_user_list"), query)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert "There is a problem" in response.content.decode()
    assert list(response.context["page"].object_list) == []


def test_user_list_pages_fifty_at_a_time(admin_client, team):
    for n in range(51):
        UserFactory(last_name=f"Zed{n:02d}", team=team)

    first = admin_client.get(reverse("accounts:admin_user_list"), {"q": "zed"})
    second = admin_client.get(reverse("accounts:admin_user_list"), {"q": "zed", "page": 2})

    assert len(first.context["page"].object_list) == 50
    assert [u.last_name for u in second.context["page"].object_list] == ["Zed50"]
    assert "q=zed&amp;page=2" in first.content.decode()


@pytest.mark.parametrize("rows", [1, 3])
def test_user_list_query_count_does_not_grow_with_rows(
    admin_client, team, django_assert_num_queries, rows
):
    for n in range(rows):
        UserFactory(last_name=f"Quill{n}", team=TeamFactory(name=f"Quill team {n}"))

    # session, user, inbox count, users counted, a page of users with their teams, the
    # team filter's choices
    with django_assert_num_queries(6):
        response = admin_client.get(reverse("accounts:admin_user_list"), {"q": "quill"})

    assert len(response.context["page"].object_list) == rows


# Creating a user ---------------------------------------------------------------------------


def _create_data(team, **overrides):
    return {
        "first_name": "Nia",
        "last_name": "Evans",
        "username": "nevans",
        "email": "nia.evans@example.nhs.uk",
        "job_title": "Liaison nurse",
        "role": Role.PRACTITIONER,
        "team": team.pk,
        **overrides,
    }


def test_admin_creates_a_user_who_can_sign_in_with_the_temporary_password(
    admin_client, admin, team
):
    response = admin_client.post(reverse("accounts:admin_user_create"), _create_data(team))

    assert response.status_code == 200
    user = User.objects.get(username="nevans")
    assert (user.role, user.team, user.email, user.is_staff, user.is_superuser) == (
        Role.PRACTITIONER,
        team,
        "nia.evans@example.nhs.uk",
        False,
        False,
    )
    password = response.context["password"]
    assert password in response.content.decode()
    assert user.check_password(password)
    assert _can_sign_in("nevans", password)
    change = user.changes.get()
    assert (change.what, change.by, change.after) == (
        AccountChangeKind.CREATED,
        admin,
        f"L&D practitioner, {team.name}",
    )
    assert _audits(admin, action=AuditAction.CREATE) == [
        (
            AuditAction.CREATE,
            "accounts.user",
            str(user.pk),
            f"user created: role practitioner, team {team.pk}",
        )
    ]


def test_creating_a_user_refuses_a_taken_username_ignoring_capitals(admin_client, team):
    UserFactory(username="nevans", team=team)

    response = admin_client.post(
        reverse("accounts:admin_user_create"), _create_data(team, username="NEvans")
    )

    assert response.status_code == 400
    assert response.context["form"].errors["username"] == [
        "A user with this username already exists"
    ]
    assert User.objects.filter(username__iexact="nevans").count() == 1


def test_creating_a_user_names_each_missing_field(admin_client, team):
    response = admin_client.post(reverse("accounts:admin_user_create"), {})

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["first_name"] == ["Enter the first name"]
    assert errors["email"] == ["Enter the email address"]
    assert errors["role"] == ["Select the role"]
    assert errors["team"] == ["Select the team"]


def test_superuser_and_staff_status_cannot_be_set_when_creating(admin_client, team):
    admin_client.post(
        reverse("accounts:admin_user_create"),
        _create_data(team, is_superuser="on", is_staff="on", role=Role.ADMINISTRATOR),
    )

    user = User.objects.get(username="nevans")
    assert (user.role, user.is_superuser, user.is_staff) == (Role.ADMINISTRATOR, False, False)


def test_creating_a_user_offers_only_active_teams(admin_client, team):
    closed = TeamFactory(name="Closed team", is_active=False)

    response = admin_client.post(reverse("accounts:admin_user_create"), _create_data(closed))

    assert response.status_code == 400
    assert response.context["form"].errors["team"] == ["Select the team from the list"]


# Role and team -----------------------------------------------------------------------------


def test_admin_changes_role_and_team_with_a_reason(
    admin_client, admin, practitioner, team, other_team
):
    url = reverse("accounts:admin_user_role_team", args=[practitioner.pk])
    assert admin_client.get(url).status_code == 200

    response = admin_client.post(
        url,
        {
            "role": Role.TEAM_LEAD,
            "team": other_team.pk,
            "reason": "Promoted and moved",
            "version": 1,
        },
    )

    assert response.status_code == 302
    practitioner.refresh_from_db()
    assert (practitioner.role, practitioner.team, practitioner.version) == (
        Role.TEAM_LEAD,
        other_team,
        2,
    )
    history = list(
        practitioner.changes.order_by("id").values_list("what", "before", "after", "reason")
    )
    assert history == [
        (AccountChangeKind.ROLE, "L&D practitioner", "L&D team lead", "Promoted and moved"),
        (
            AccountChangeKind.TEAM,
            "Cambridgeshire & Peterborough L&D",
            "Westminster custody L&D",
            "Promoted and moved",
        ),
    ]
    assert _audits(admin, action=AuditAction.CHANGE) == [
        (AuditAction.CHANGE, "accounts.user", str(practitioner.pk), detail)
        for detail in ("role practitioner -> team_lead", f"team {team.pk} -> {other_team.pk}")
    ]
    page = admin_client.get(reverse("accounts:admin_user_detail", args=[practitioner.pk]))
    body = page.content.decode()
    assert "Promoted and moved" in body
    assert "Westminster custody L&amp;D" in body


def test_changing_only_the_team_writes_one_history_row(admin_client, practitioner, other_team):
    admin_client.post(
        reverse("accounts:admin_user_role_team", args=[practitioner.pk]),
        {"role": Role.PRACTITIONER, "team": other_team.pk, "reason": "Moved", "version": 1},
    )

    assert list(practitioner.changes.values_list("what", flat=True)) == [AccountChangeKind.TEAM]


def test_changing_nothing_is_refused_with_a_message(admin_client, practitioner, team):
    response = admin_client.post(
        reverse("accounts:admin_user_role_team", args=[practitioner.pk]),
        {"role": Role.PRACTITIONER, "team": team.pk, "reason": "No change", "version": 1},
    )

    assert response.status_code == 400
    assert "Choose a different role or team, or cancel" in response.content.decode()
    assert _broken_summary_links(response.content.decode()) == []
    assert not UserChange.objects.exists()


def test_changing_role_and_team_needs_a_reason(admin_client, practitioner, other_team):
    response = admin_client.post(
        reverse("accounts:admin_user_role_team", args=[practitioner.pk]),
        {"role": Role.TEAM_LEAD, "team": other_team.pk, "reason": "", "version": 1},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["reason"] == ["Enter the reason for the change"]
    practitioner.refresh_from_db()
    assert practitioner.role == Role.PRACTITIONER


def test_leaving_the_administrator_role_takes_away_django_admin_access(admin_client, team):
    other_admin = UserFactory(role=Role.ADMINISTRATOR, team=team, is_staff=True)

    admin_client.post(
        reverse("accounts:admin_user_role_team", args=[other_admin.pk]),
        {"role": Role.PRACTITIONER, "team": team.pk, "reason": "Back to practice", "version": 1},
    )

    other_admin.refresh_from_db()
    assert (other_admin.role, other_admin.is_staff) == (Role.PRACTITIONER, False)


def test_a_stale_edit_is_refused_with_a_clear_message_not_overwritten(
    admin_client, admin_team, practitioner, team, other_team
):
    url = reverse("accounts:admin_user_role_team", args=[practitioner.pk])
    second_admin = Client()
    second_admin.force_login(UserFactory(role=Role.ADMINISTRATOR, team=admin_team))
    first = {"role": Role.TEAM_LEAD, "team": team.pk, "reason": "Promoted", "version": 1}
    second = {"role": Role.PRACTITIONER, "team": other_team.pk, "reason": "Moved", "version": 1}

    assert second_admin.post(url, first).status_code == 302
    response = admin_client.post(url, second)

    assert response.status_code == 409
    assert STALE_EDIT_MESSAGE in response.content.decode()
    assert _broken_summary_links(response.content.decode()) == []
    practitioner.refresh_from_db()
    assert (practitioner.role, practitioner.team) == (Role.TEAM_LEAD, team)
    assert list(practitioner.changes.values_list("reason", flat=True)) == ["Promoted"]


# Own account -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "accounts:admin_user_role_team",
        "accounts:admin_user_active",
        "accounts:admin_user_two_factor_required",
        "accounts:admin_user_two_factor_reset",
    ],
)
def test_admin_cannot_change_their_own_account(admin_client, admin, team, name):
    url = reverse(name, args=[admin.pk])
    data = {"role": Role.PRACTITIONER, "team": team.pk, "reason": "Mine", "version": 1}

    page = admin_client.get(url)
    response = admin_client.post(url, data)

    for answer in (page, response):
        assert answer.status_code == 403
        assert "ask another administrator" in answer.content.decode()
    admin.refresh_from_db()
    assert (admin.role, admin.is_active, admin.version) == (Role.ADMINISTRATOR, True, 1)
    assert not UserChange.objects.exists()
    assert _audits(admin, action=AuditAction.REFUSED)[0][3] == "own account change refused"


def test_the_service_refuses_an_own_account_change_too(admin, team):
    from django.core.exceptions import ValidationError

    from accounts.administration.services import user_change_role_and_team

    with pytest.raises(ValidationError, match="ask another administrator"):
        user_change_role_and_team(
            user=admin, by=admin, role=Role.PRACTITIONER, team=team, reason="x", expected_version=1
        )


def test_own_detail_page_offers_no_change_links(admin_client, admin):
    body = admin_client.get(reverse("accounts:admin_user_detail", args=[admin.pk])).content
    body = body.decode()

    assert "This is your own account" in body
    assert reverse("accounts:admin_user_role_team", args=[admin.pk]) not in body
    assert reverse("accounts:admin_user_active", args=[admin.pk]) not in body


# Deactivating and reactivating -------------------------------------------------------------


def _can_sign_in(username, password=PASSWORD):
    response = Client().post(
        reverse("accounts:login"), {"username": username, "password": password}
    )
    return response.status_code == 302


def _signed_in_client(user):
    signed_in = Client()
    response = signed_in.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    return signed_in


def test_deactivating_a_user_ends_their_sessions_only(admin_client, admin, practitioner, team):
    colleague = UserFactory(team=team, username="colleague")
    phone, desktop = _signed_in_client(practitioner), _signed_in_client(practitioner)
    other = _signed_in_client(colleague)
    assert Session.objects.count() == 4  # with the administrator's

    response = admin_client.post(
        reverse("accounts:admin_user_active", args=[practitioner.pk]),
        {"reason": "Left the service", "version": 1},
    )

    assert response.status_code == 302
    practitioner.refresh_from_db()
    assert practitioner.is_active is False
    assert Session.objects.count() == 2
    for ended in (phone, desktop):
        assert ended.get(reverse("accounts:password_change")).url.startswith(
            reverse("accounts:login")
        )
    assert other.get(reverse("accounts:password_change")).status_code == 200
    assert not _can_sign_in(practitioner.username)
    change = practitioner.changes.get()
    assert (change.what, change.reason, change.by) == (
        AccountChangeKind.DEACTIVATED,
        "Left the service",
        admin,
    )
    assert _audits(admin, action=AuditAction.CHANGE)[-1][3] == "user deactivated, 2 sessions ended"


def test_reactivating_a_user_lets_them_sign_in_again(admin_client, admin, team):
    gone = UserFactory(team=team, is_active=False, username="gone")
    url = reverse("accounts:admin_user_active", args=[gone.pk])
    assert "Reactivate user" in admin_client.get(url).content.decode()

    response = admin_client.post(url, {"reason": "Came back", "version": 1})

    assert response.status_code == 302
    assert _can_sign_in("gone")
    assert list(gone.changes.values_list("what", flat=True)) == [AccountChangeKind.REACTIVATED]
    assert _audits(admin, action=AuditAction.CHANGE)[-1][3] == "user reactivated"


def test_deactivating_twice_from_two_pages_is_refused_as_stale(
    admin_client, admin_team, practitioner
):
    url = reverse("accounts:admin_user_active", args=[practitioner.pk])
    second_admin = Client()
    second_admin.force_login(UserFactory(role=Role.ADMINISTRATOR, team=admin_team))
    assert second_admin.post(url, {"reason": "Left", "version": 1}).status_code == 302

    response = admin_client.post(url, {"reason": "Left too", "version": 1})

    assert response.status_code == 409
    practitioner.refresh_from_db()
    assert practitioner.is_active is False
    assert practitioner.changes.count() == 1


# Two-factor sign-in -------------------------------------------------------------------------


def test_requiring_two_factor_sends_the_user_to_set_it_up_at_next_sign_in(
    admin_client, admin, practitioner
):
    response = admin_client.post(
        reverse("accounts:admin_user_two_factor_required", args=[practitioner.pk]),
        {"reason": "Handles sensitive cases", "version": 1},
    )

    assert response.status_code == 302
    practitioner.refresh_from_db()
    assert practitioner.two_factor_required is True
    signed_in = _signed_in_client(practitioner)
    assert signed_in.get(reverse("accounts:password_change")).url.startswith(
        reverse("accounts:two_factor_enrol")
    )
    assert list(practitioner.changes.values_list("what", flat=True)) == [
        AccountChangeKind.TWO_FACTOR_REQUIRED
    ]
    assert _audits(admin, action=AuditAction.CHANGE)[-1][3] == "two-factor required"


def test_no_longer_requiring_two_factor_lets_them_sign_in_with_a_password(
    admin_client, practitioner
):
    practitioner.two_factor_required = True
    practitioner.save()

    admin_client.post(
        reverse("accounts:admin_user_two_factor_required", args=[practitioner.pk]),
        {"reason": "Changed duties", "version": 1},
    )

    practitioner.refresh_from_db()
    assert practitioner.two_factor_required is False
    signed_in = _signed_in_client(practitioner)
    assert signed_in.get(reverse("accounts:password_change")).status_code == 200


def test_resetting_two_factor_removes_the_app_and_signs_the_user_out(
    admin_client, admin, practitioner, team
):
    TOTPDevice.objects.create(user=practitioner, name="Old phone", confirmed=True)
    colleague = UserFactory(team=team)
    kept = TOTPDevice.objects.create(user=colleague, name="Their phone", confirmed=True)
    _signed_in_client(practitioner)
    detail = admin_client.get(reverse("accounts:admin_user_detail", args=[practitioner.pk]))
    assert "An authenticator app is set up" in detail.content.decode()

    response = admin_client.post(
        reverse("accounts:admin_user_two_factor_reset", args=[practitioner.pk]),
        {"reason": "Lost phone", "version": 1},
    )

    assert response.status_code == 302
    assert list(TOTPDevice.objects.all()) == [kept]
    assert Session.objects.count() == 1  # the administrator's
    assert list(practitioner.changes.values_list("what", "reason")) == [
        (AccountChangeKind.TWO_FACTOR_RESET, "Lost phone")
    ]
    assert _audits(admin, action=AuditAction.CHANGE)[-1][3] == "two-factor reset, 1 sessions ended"


def test_resetting_two_factor_of_a_user_without_an_app_says_so(admin_client, practitioner):
    response = admin_client.post(
        reverse("accounts:admin_user_two_factor_reset", args=[practitioner.pk]),
        {"reason": "Lost phone", "version": 1},
    )

    assert response.status_code == 400
    assert "has no authenticator app set up" in response.content.decode()
    assert _broken_summary_links(response.content.decode()) == []
    assert not UserChange.objects.exists()


# Teams and sites -----------------------------------------------------------------------------


def test_team_list_shows_each_team_with_active_users_and_sites(admin_client, team, other_team):
    UserFactory(team=team)
    UserFactory(team=team)
    UserFactory(team=team, is_active=False)
    SiteFactory(team=team)

    response = admin_client.get(reverse("accounts:admin_team_list"))

    rows = {t.name: (t.active_members, t.site_count) for t in response.context["page"]}
    assert rows[team.name] == (2, 1)
    assert rows[other_team.name] == (0, 0)


@pytest.mark.parametrize("rows", [1, 3])
def test_team_list_query_count_does_not_grow_with_rows(
    admin_client, django_assert_num_queries, rows
):
    for n in range(rows):
        SiteFactory(team=TeamFactory(name=f"Counted team {n}"))

    with django_assert_num_queries(5):  # session, user, inbox count, teams counted, a page
        admin_client.get(reverse("accounts:admin_team_list"))


def test_admin_adds_a_team(admin_client, admin):
    response = admin_client.post(
        reverse("accounts:admin_team_create"),
        {"name": "Norfolk L&D", "kind": TeamKind.LIAISON_DIVERSION, "area": "Norfolk"},
    )

    assert response.status_code == 302
    team = Team.objects.get(name="Norfolk L&D")
    assert (team.kind, team.area, team.is_active) == (TeamKind.LIAISON_DIVERSION, "Norfolk", True)
    assert list(team.changes.values_list("what", "after", "by")) == [
        (AccountChangeKind.CREATED, "Norfolk L&D", admin.pk)
    ]
    assert _audits(admin, action=AuditAction.CREATE) == [
        (AuditAction.CREATE, "accounts.team", str(team.pk), "team created: liaison_diversion")
    ]


def test_adding_a_team_with_a_taken_name_is_refused(admin_client, team):
    response = admin_client.post(
        reverse("accounts:admin_team_create"),
        {"name": team.name.upper(), "kind": TeamKind.LIAISON_DIVERSION},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["name"] == ["A team with this name already exists"]


def test_admin_renames_a_team_and_the_history_keeps_the_old_name(admin_client, admin, team):
    response = admin_client.post(
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
    assert _audits(admin, action=AuditAction.CHANGE)[-1][1:] == (
        "accounts.team",
        str(team.pk),
        "team renamed",
    )
    page = admin_client.get(reverse("accounts:admin_team_detail", args=[team.pk]))
    assert "Merged services" in page.content.decode()


def test_a_stale_team_rename_is_refused(admin_client, team):
    url = reverse("accounts:admin_team_rename", args=[team.pk])
    admin_client.post(url, {"name": "First", "reason": "One", "version": 1})

    response = admin_client.post(url, {"name": "Second", "reason": "Two", "version": 1})

    assert response.status_code == 409
    assert STALE_EDIT_MESSAGE in response.content.decode()
    team.refresh_from_db()
    assert team.name == "First"


def test_a_team_with_active_users_cannot_be_deactivated(admin_client, team, practitioner):
    UserFactory(team=team, is_active=False)

    response = admin_client.post(
        reverse("accounts:admin_team_active", args=[team.pk]),
        {"reason": "Closing", "version": 1},
    )

    assert response.status_code == 400
    assert "Move or deactivate the team&#x27;s 1 active user first" in response.content.decode()
    team.refresh_from_db()
    assert team.is_active is True


def test_admin_deactivates_and_reactivates_an_empty_team(admin_client, admin, other_team):
    url = reverse("accounts:admin_team_active", args=[other_team.pk])

    admin_client.post(url, {"reason": "Closed", "version": 1})
    other_team.refresh_from_db()
    assert other_team.is_active is False
    admin_client.post(url, {"reason": "Reopened", "version": 2})

    other_team.refresh_from_db()
    assert other_team.is_active is True
    assert list(other_team.changes.order_by("id").values_list("what", "reason")) == [
        (AccountChangeKind.DEACTIVATED, "Closed"),
        (AccountChangeKind.REACTIVATED, "Reopened"),
    ]
    assert [d for *_, d in _audits(admin, action=AuditAction.CHANGE)] == [
        "team deactivated",
        "team reactivated",
    ]


def test_admin_adds_renames_and_deactivates_a_site(admin_client, admin, team):
    admin_client.post(
        reverse("accounts:admin_site_create", args=[team.pk]),
        {"name": "Parkside", "kind": SiteKind.CUSTODY_SUITE},
    )
    site = Site.objects.get(team=team, name="Parkside")
    admin_client.post(
        reverse("accounts:admin_site_rename", args=[team.pk, site.pk]),
        {"name": "Parkside custody suite", "reason": "Full name", "version": 1},
    )
    response = admin_client.post(
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
    assert [a for a, *_ in _audits(admin, action__in=[AuditAction.CREATE, AuditAction.CHANGE])] == [
        AuditAction.CREATE,
        AuditAction.CHANGE,
        AuditAction.CHANGE,
    ]


def test_a_site_is_changed_only_under_its_own_team(admin_client, team, other_team):
    site = SiteFactory(team=other_team)

    response = admin_client.post(
        reverse("accounts:admin_site_rename", args=[team.pk, site.pk]),
        {"name": "Hijacked", "reason": "x", "version": 1},
    )

    assert response.status_code == 404
    site.refresh_from_db()
    assert site.name != "Hijacked"


def test_a_site_name_is_unique_within_its_team(admin_client, team, other_team):
    SiteFactory(team=team, name="Parkside")
    SiteFactory(team=other_team, name="Riverside")

    taken = admin_client.post(
        reverse("accounts:admin_site_create", args=[team.pk]),
        {"name": "parkside", "kind": SiteKind.CUSTODY_SUITE},
    )
    elsewhere = admin_client.post(
        reverse("accounts:admin_site_create", args=[team.pk]),
        {"name": "Riverside", "kind": SiteKind.CUSTODY_SUITE},
    )

    assert taken.status_code == 400
    assert taken.context["form"].errors["name"] == ["This team already has a site with this name"]
    assert elsewhere.status_code == 302


# Other roles ---------------------------------------------------------------------------------

ADMIN_URLS = [
    ("accounts:admin_user_list", False),
    ("accounts:admin_user_create", False),
    ("accounts:admin_user_detail", "user"),
    ("accounts:admin_user_role_team", "user"),
    ("accounts:admin_user_active", "user"),
    ("accounts:admin_user_two_factor_required", "user"),
    ("accounts:admin_user_two_factor_reset", "user"),
    ("accounts:admin_team_list", False),
    ("accounts:admin_team_create", False),
    ("accounts:admin_team_detail", "team"),
    ("accounts:admin_team_rename", "team"),
    ("accounts:admin_team_active", "team"),
    ("accounts:admin_site_create", "team"),
    ("accounts:admin_site_rename", "site"),
    ("accounts:admin_site_active", "site"),
]


READ_ONLY = {
    "accounts:admin_user_list",
    "accounts:admin_user_detail",
    "accounts:admin_team_list",
    "accounts:admin_team_detail",
}


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMINISTRATOR])
def test_every_other_role_is_refused_every_screen_and_nothing_changes(client, team, site, role):
    visitor = UserFactory(role=role, team=team, is_staff=True)
    target = UserFactory(team=team, first_name="Victoria", last_name="Quarrington")
    client.force_login(visitor)
    args = {"user": [target.pk], "team": [team.pk], "site": [team.pk, site.pk], False: []}
    data = {"role": Role.ADMINISTRATOR, "team": team.pk, "reason": "x", "version": 1}
    data |= {"name": "Taken over", "kind": TeamKind.ADMINISTRATION}

    for name, kind in ADMIN_URLS:
        url = reverse(name, args=args[kind])
        answers = [client.get(url)]
        if name not in READ_ONLY:
            answers.append(client.post(url, data))
        for response in answers:
            assert response.status_code == 403, name
            assert "Quarrington" not in response.content.decode(), name

    target.refresh_from_db()
    team.refresh_from_db()
    assert (target.role, target.is_active, team.name, team.is_active) == (
        Role.PRACTITIONER,
        True,
        "Cambridgeshire & Peterborough L&D",
        True,
    )
    assert not UserChange.objects.exists() and not TeamChange.objects.exists()
    assert AuditEvent.objects.filter(user=visitor, action=AuditAction.REFUSED).count() == 26


def test_the_navigation_takes_administrators_to_the_user_list(admin_client):
    body = admin_client.get(reverse("accounts:admin_team_list")).content.decode()

    assert f'href="{reverse("accounts:admin_user_list")}"' in body
