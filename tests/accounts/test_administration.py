"""The administration screens for staff accounts: the user list, creating a user, changing
role and team, and an administrator's own account (which they cannot change).

Every change keeps a history row and an audit entry; two administrators editing the same
record get a clear message, not a silent overwrite. Teams and sites, signing in after a
change and who may use these screens have modules of their own."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.enums import AccountChangeKind, AuditAction, Role
from accounts.models import AccessChangeRequest, User, UserChange
from core.concurrency import STALE_EDIT_MESSAGE
from tests.factories import TeamFactory, UserFactory

from .helpers import audits, broken_summary_links, can_sign_in

pytestmark = pytest.mark.django_db


# The user list -----------------------------------------------------------------------------


def test_user_list_searches_by_name_and_filters_by_role_team_and_status(
    administrator_client, team, other_team
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
        response = administrator_client.get(url, query)
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
def test_user_list_answers_hostile_filters_with_a_message(administrator_client, query):
    response = administrator_client.get(reverse("accounts:admin_user_list"), query)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert "There is a problem" in response.content.decode()
    assert list(response.context["page"].object_list) == []


def test_user_list_pages_fifty_at_a_time(administrator_client, team):
    for n in range(51):
        UserFactory(last_name=f"Zed{n:02d}", team=team)

    first = administrator_client.get(reverse("accounts:admin_user_list"), {"q": "zed"})
    second = administrator_client.get(reverse("accounts:admin_user_list"), {"q": "zed", "page": 2})

    assert len(first.context["page"].object_list) == 50
    assert [u.last_name for u in second.context["page"].object_list] == ["Zed50"]
    assert "q=zed&amp;page=2" in first.content.decode()


@pytest.mark.parametrize("rows", [1, 3])
def test_user_list_query_count_does_not_grow_with_rows(
    administrator_client, team, django_assert_num_queries, rows
):
    for n in range(rows):
        UserFactory(last_name=f"Quill{n}", team=TeamFactory(name=f"Quill team {n}"))

    # session, user, inbox count, changes waiting for approval, users counted, a page of
    # users with their teams, the team filter's choices
    with django_assert_num_queries(7):
        response = administrator_client.get(reverse("accounts:admin_user_list"), {"q": "quill"})

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
        "reason": "Joins the custody rota",
        **overrides,
    }


def test_admin_creates_a_user_who_can_sign_in_with_the_temporary_password(
    administrator_client, admin, team
):
    # A commissioner sees no one's records: active at once (a practitioner waits for a
    # second administrator: test_account_activation_requests.py).
    response = administrator_client.post(
        reverse("accounts:admin_user_create"), _create_data(team, role=Role.COMMISSIONER)
    )

    assert response.status_code == 200
    user = User.objects.get(username="nevans")
    assert (user.role, user.team, user.email, user.is_staff, user.is_superuser) == (
        Role.COMMISSIONER,
        team,
        "nia.evans@example.nhs.uk",
        False,
        False,
    )
    password = response.context["password"]
    assert password in response.content.decode()
    assert user.check_password(password)
    assert can_sign_in("nevans", password)
    change = user.changes.get()
    assert (change.what, change.by, change.after, change.reason) == (
        AccountChangeKind.CREATED,
        admin,
        f"Commissioner, {team.name}",
        "Joins the custody rota",
    )
    assert audits(admin, action=AuditAction.CREATE) == [
        (
            AuditAction.CREATE,
            "accounts.user",
            str(user.pk),
            f"user created: role commissioner, team {team.pk}",
        )
    ]


def test_admin_creates_a_practitioner_who_signs_in_once_another_approves(
    administrator_client, admin, admin_team, team
):
    response = administrator_client.post(reverse("accounts:admin_user_create"), _create_data(team))

    assert response.status_code == 200
    assert response.context["password"] is None
    assert "cannot be used until another administrator approves it" in response.content.decode()
    user = User.objects.get(username="nevans")
    assert (user.role, user.is_active, user.has_usable_password()) == (
        Role.PRACTITIONER,
        False,
        False,
    )
    second = Client()
    second.force_login(UserFactory(role=Role.ADMINISTRATOR, team=admin_team))
    waiting = AccessChangeRequest.objects.get(user=user)
    approval = second.post(
        reverse("accounts:admin_access_request_decide", args=[waiting.pk]),
        {"decision": "approve", "reason": "Checked", "version": 1},
    )

    password = approval.context["password"]
    assert password in approval.content.decode()
    assert can_sign_in("nevans", password)


def test_creating_a_user_refuses_a_taken_username_ignoring_capitals(administrator_client, team):
    UserFactory(username="nevans", team=team)

    response = administrator_client.post(
        reverse("accounts:admin_user_create"), _create_data(team, username="NEvans")
    )

    assert response.status_code == 400
    assert response.context["form"].errors["username"] == [
        "A user with this username already exists"
    ]
    assert User.objects.filter(username__iexact="nevans").count() == 1


def test_creating_a_user_names_each_missing_field(administrator_client, team):
    response = administrator_client.post(reverse("accounts:admin_user_create"), {})

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["first_name"] == ["Enter the first name"]
    assert errors["email"] == ["Enter the email address"]
    assert errors["role"] == ["Select the role"]
    assert errors["team"] == ["Select the team"]


def test_superuser_and_staff_status_cannot_be_set_when_creating(administrator_client, team):
    administrator_client.post(
        reverse("accounts:admin_user_create"),
        _create_data(team, is_superuser="on", is_staff="on", role=Role.ADMINISTRATOR),
    )

    user = User.objects.get(username="nevans")
    assert (user.role, user.is_superuser, user.is_staff) == (Role.ADMINISTRATOR, False, False)


def test_creating_a_user_offers_only_active_teams(administrator_client, team):
    closed = TeamFactory(name="Closed team", is_active=False)

    response = administrator_client.post(
        reverse("accounts:admin_user_create"), _create_data(closed)
    )

    assert response.status_code == 400
    assert response.context["form"].errors["team"] == ["Select the team from the list"]


# Role and team -----------------------------------------------------------------------------


def test_admin_changes_role_and_team_with_a_reason(
    administrator_client, admin, practitioner, team, other_team
):
    # To a role that sees no one's records: saved at once (clinical roles wait for a second
    # administrator: test_access_requests.py).
    url = reverse("accounts:admin_user_role_team", args=[practitioner.pk])
    assert administrator_client.get(url).status_code == 200

    response = administrator_client.post(
        url,
        {
            "role": Role.COMMISSIONER,
            "team": other_team.pk,
            "reason": "Promoted and moved",
            "version": 1,
        },
    )

    assert response.status_code == 302
    practitioner.refresh_from_db()
    assert (practitioner.role, practitioner.team, practitioner.version) == (
        Role.COMMISSIONER,
        other_team,
        2,
    )
    history = list(
        practitioner.changes.order_by("id").values_list("what", "before", "after", "reason")
    )
    assert history == [
        (AccountChangeKind.ROLE, "L&D practitioner", "Commissioner", "Promoted and moved"),
        (
            AccountChangeKind.TEAM,
            "Cambridgeshire & Peterborough L&D",
            "Westminster custody L&D",
            "Promoted and moved",
        ),
    ]
    assert audits(admin, action=AuditAction.CHANGE) == [
        (AuditAction.CHANGE, "accounts.user", str(practitioner.pk), detail)
        for detail in ("role practitioner -> commissioner", f"team {team.pk} -> {other_team.pk}")
    ]
    page = administrator_client.get(reverse("accounts:admin_user_detail", args=[practitioner.pk]))
    body = page.content.decode()
    assert "Promoted and moved" in body
    assert "Westminster custody L&amp;D" in body


def test_changing_only_the_team_writes_one_history_row(administrator_client, team, other_team):
    commissioner = UserFactory(role=Role.COMMISSIONER, team=team)
    administrator_client.post(
        reverse("accounts:admin_user_role_team", args=[commissioner.pk]),
        {"role": Role.COMMISSIONER, "team": other_team.pk, "reason": "Moved", "version": 1},
    )

    assert list(commissioner.changes.values_list("what", flat=True)) == [AccountChangeKind.TEAM]


def test_changing_nothing_is_refused_with_a_message(administrator_client, practitioner, team):
    response = administrator_client.post(
        reverse("accounts:admin_user_role_team", args=[practitioner.pk]),
        {"role": Role.PRACTITIONER, "team": team.pk, "reason": "No change", "version": 1},
    )

    assert response.status_code == 400
    assert "Choose a different role or team, or cancel" in response.content.decode()
    assert broken_summary_links(response.content.decode()) == []
    assert not UserChange.objects.exists()


def test_changing_role_and_team_needs_a_reason(administrator_client, practitioner, other_team):
    response = administrator_client.post(
        reverse("accounts:admin_user_role_team", args=[practitioner.pk]),
        {"role": Role.TEAM_LEAD, "team": other_team.pk, "reason": "", "version": 1},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["reason"] == ["Enter the reason for the change"]
    practitioner.refresh_from_db()
    assert practitioner.role == Role.PRACTITIONER


def test_leaving_the_administrator_role_takes_away_django_admin_access(administrator_client, team):
    other_admin = UserFactory(role=Role.ADMINISTRATOR, team=team, is_staff=True)

    administrator_client.post(
        reverse("accounts:admin_user_role_team", args=[other_admin.pk]),
        {"role": Role.COMMISSIONER, "team": team.pk, "reason": "Commissioning", "version": 1},
    )

    other_admin.refresh_from_db()
    assert (other_admin.role, other_admin.is_staff) == (Role.COMMISSIONER, False)


def test_a_stale_edit_is_refused_with_a_clear_message_not_overwritten(
    administrator_client, admin_team, practitioner, team, other_team
):
    url = reverse("accounts:admin_user_role_team", args=[practitioner.pk])
    second_admin = Client()
    second_admin.force_login(UserFactory(role=Role.ADMINISTRATOR, team=admin_team))
    first = {"role": Role.COMMISSIONER, "team": team.pk, "reason": "Promoted", "version": 1}
    second = {"role": Role.ADMINISTRATOR, "team": other_team.pk, "reason": "Moved", "version": 1}

    assert second_admin.post(url, first).status_code == 302
    response = administrator_client.post(url, second)

    assert response.status_code == 409
    assert STALE_EDIT_MESSAGE in response.content.decode()
    assert broken_summary_links(response.content.decode()) == []
    practitioner.refresh_from_db()
    assert (practitioner.role, practitioner.team) == (Role.COMMISSIONER, team)
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
def test_admin_cannot_change_their_own_account(administrator_client, admin, team, name):
    url = reverse(name, args=[admin.pk])
    data = {"role": Role.PRACTITIONER, "team": team.pk, "reason": "Mine", "version": 1}

    page = administrator_client.get(url)
    response = administrator_client.post(url, data)

    for answer in (page, response):
        assert answer.status_code == 403
        assert "ask another administrator" in answer.content.decode()
    admin.refresh_from_db()
    assert (admin.role, admin.is_active, admin.version) == (Role.ADMINISTRATOR, True, 1)
    assert not UserChange.objects.exists()
    assert audits(admin, action=AuditAction.REFUSED)[0][3] == "own account change refused"


def test_the_service_refuses_an_own_account_change_too(admin, team):
    from django.core.exceptions import ValidationError

    from accounts.administration.services import user_change_role_and_team

    with pytest.raises(ValidationError, match="ask another administrator"):
        user_change_role_and_team(
            user=admin, by=admin, role=Role.PRACTITIONER, team=team, reason="x", expected_version=1
        )


def test_own_detail_page_offers_no_change_links(administrator_client, admin):
    body = administrator_client.get(reverse("accounts:admin_user_detail", args=[admin.pk])).content
    body = body.decode()

    assert "This is your own account" in body
    assert reverse("accounts:admin_user_role_team", args=[admin.pk]) not in body
    assert reverse("accounts:admin_user_active", args=[admin.pk]) not in body
