"""Administrators cannot grant themselves clinical access (issue 17, item 1).

A role or team change that gives a role seeing people's records waits for a second
administrator: neither the one who asked nor the user it is about may approve it. Each
request, approval and rejection is in the user's history and the audit trail (ids and
codes only); a decision taken on an old page is refused; the Django admin cannot change a
user's role, team, superuser or staff status at all."""

import pytest
from django.contrib import admin as django_admin
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from accounts import policy
from accounts.administration import access_requests
from accounts.administration.services import OWN_ACCOUNT_MESSAGE, user_change_role_and_team
from accounts.administration.views import REQUESTED_MESSAGE
from accounts.enums import AccessRequestStatus, AccountChangeKind, AuditAction, Role
from accounts.models import AccessChangeRequest, User, UserChange
from accounts.policy import Action, Kind, Scope
from tests.factories import UserFactory

from .helpers import audits

pytestmark = pytest.mark.django_db

CLINICAL = [Role.PRACTITIONER, Role.TEAM_LEAD, Role.PROBATION_OFFICER, Role.PROVIDER_CLINICIAN]


@pytest.fixture
def second_admin(admin_team):
    return UserFactory(role=Role.ADMINISTRATOR, team=admin_team, first_name="Bo", last_name="Two")


@pytest.fixture
def third_admin(admin_team):
    return UserFactory(role=Role.ADMINISTRATOR, team=admin_team, first_name="Cy", last_name="Three")


@pytest.fixture
def commissioner(team):
    return UserFactory(role=Role.COMMISSIONER, team=team, username="comm")


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _ask(client, user, role, team, reason="Joining the custody rota"):
    data = {"role": role, "team": team.pk, "reason": reason, "version": user.version}
    return client.post(reverse("accounts:admin_user_role_team", args=[user.pk]), data, follow=True)


def _decide(client, access_request, decision, reason="Checked with the service manager"):
    url = reverse("accounts:admin_access_request_decide", args=[access_request.pk])
    return client.post(url, {"decision": decision, "reason": reason, "version": 1})


def _role_team_version(user):
    user.refresh_from_db()
    return (user.role, user.team_id, user.version)


# Which roles see clinical records ---------------------------------------------------------


def test_the_roles_that_see_records_are_read_from_the_policy(monkeypatch):
    assert [role for role in Role if policy.sees_clinical_records(role)] == CLINICAL
    # Figures only (commissioners) are not records; giving a role one record kind is.
    assert not policy.sees_clinical_records(Role.COMMISSIONER)
    widened = {**policy.POLICY[Role.COMMISSIONER], Kind.RISK: {Action.VIEW: Scope.ALL}}
    monkeypatch.setitem(policy.POLICY, Role.COMMISSIONER, widened)
    assert policy.sees_clinical_records(Role.COMMISSIONER)


# Asking -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", CLINICAL)
def test_a_clinical_role_is_only_requested_and_nothing_changes_yet(
    administrator_client, admin, commissioner, team, role
):
    response = _ask(administrator_client, commissioner, role, team)

    assert response.status_code == 200
    assert escape(REQUESTED_MESSAGE) in response.content.decode()
    assert _role_team_version(commissioner) == (Role.COMMISSIONER, team.pk, 1)
    waiting = AccessChangeRequest.objects.get()
    assert (waiting.user, waiting.requested_by, waiting.role, waiting.status) == (
        commissioner,
        admin,
        role,
        AccessRequestStatus.PENDING,
    )
    history = list(commissioner.changes.values_list("what", "before", "after", "by"))
    assert history == [
        (
            AccountChangeKind.ACCESS_REQUESTED,
            f"Commissioner, {team}",
            f"{Role(role).label}, {team}",
            admin.pk,
        )
    ]
    assert audits(admin, action=AuditAction.CHANGE) == [
        (
            AuditAction.CHANGE,
            "accounts.user",
            str(commissioner.pk),
            f"access request {waiting.pk} requested: role commissioner -> {role}, "
            f"team {team.pk} -> {team.pk}",
        )
    ]


def test_moving_a_clinical_user_to_another_team_is_requested(
    administrator_client, practitioner, team, other_team
):
    _ask(administrator_client, practitioner, Role.PRACTITIONER, other_team)

    assert _role_team_version(practitioner) == (Role.PRACTITIONER, team.pk, 1)
    assert AccessChangeRequest.objects.get().team == other_team


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.ADMINISTRATOR])
def test_a_role_that_sees_no_records_is_changed_at_once(
    administrator_client, practitioner, other_team, role
):
    response = _ask(administrator_client, practitioner, role, other_team)

    assert "Role and team changed" in response.content.decode()
    assert _role_team_version(practitioner) == (role, other_team.pk, 2)
    assert not AccessChangeRequest.objects.exists()


def test_the_service_refuses_a_clinical_grant_without_a_request(admin, commissioner, team):
    with pytest.raises(ValidationError, match="another administrator's approval"):
        user_change_role_and_team(
            user=commissioner,
            by=admin,
            role=Role.PRACTITIONER,
            team=team,
            reason="x",
            expected_version=1,
        )
    assert _role_team_version(commissioner) == (Role.COMMISSIONER, team.pk, 1)


def test_an_administrator_cannot_ask_for_clinical_access_for_themselves(
    administrator_client, admin, admin_team, team
):
    response = _ask(administrator_client, admin, Role.PRACTITIONER, team)

    assert response.status_code == 403
    assert "ask another administrator" in response.content.decode()
    assert _role_team_version(admin) == (Role.ADMINISTRATOR, admin_team.pk, 1)
    assert not AccessChangeRequest.objects.exists()
    assert audits(admin, action=AuditAction.REFUSED)[0][3] == "own account change refused"
    with pytest.raises(ValidationError, match="ask another administrator"):
        access_requests.request_change(
            user=admin, by=admin, role=Role.PRACTITIONER, team=team, reason="x", expected_version=1
        )


def test_a_second_request_while_one_waits_is_refused(
    administrator_client, second_admin, commissioner, team, other_team
):
    _ask(administrator_client, commissioner, Role.PRACTITIONER, team)
    response = _ask(_client(second_admin), commissioner, Role.TEAM_LEAD, other_team)

    assert response.status_code == 400
    assert escape(access_requests.PENDING_MESSAGE) in response.content.decode()
    assert AccessChangeRequest.objects.get().role == Role.PRACTITIONER


# Deciding ---------------------------------------------------------------------------------


def test_another_administrator_approves_and_the_change_applies(
    administrator_client, admin, second_admin, third_admin, commissioner, team, other_team
):
    _ask(administrator_client, commissioner, Role.TEAM_LEAD, other_team, reason="New lead")
    waiting = AccessChangeRequest.objects.get()
    second = _client(second_admin)
    users = second.get(reverse("accounts:admin_user_list")).content.decode()
    assert "1 change of role, team or account access is waiting" in users
    listing = second.get(reverse("accounts:admin_access_request_list")).content.decode()
    decide_url = reverse("accounts:admin_access_request_decide", args=[waiting.pk])
    assert decide_url in listing
    assert second.get(decide_url).status_code == 200

    response = _decide(second, waiting, "approve")

    assert response.status_code == 302
    assert _role_team_version(commissioner) == (Role.TEAM_LEAD, other_team.pk, 2)
    waiting.refresh_from_db()
    assert (waiting.status, waiting.decided_by, waiting.version) == (
        AccessRequestStatus.APPROVED,
        second_admin,
        2,
    )
    history = list(commissioner.changes.order_by("id").values_list("what", "by", "reason"))
    assert history == [
        (AccountChangeKind.ACCESS_REQUESTED, admin.pk, "New lead"),
        (AccountChangeKind.ROLE, second_admin.pk, "New lead"),
        (AccountChangeKind.TEAM, second_admin.pk, "New lead"),
        (AccountChangeKind.ACCESS_APPROVED, second_admin.pk, "Checked with the service manager"),
    ]
    assert [row[3] for row in audits(second_admin, action=AuditAction.CHANGE)] == [
        "role commissioner -> team_lead",
        f"team {team.pk} -> {other_team.pk}",
        f"access request {waiting.pk} approved: role commissioner -> team_lead, "
        f"team {team.pk} -> {other_team.pk}",
    ]
    assert not audits(third_admin)
    after = second.get(reverse("accounts:admin_access_request_list")).content.decode()
    assert "No changes are waiting for approval" in after
    assert "is waiting" not in second.get(reverse("accounts:admin_user_list")).content.decode()


def test_approving_a_former_administrator_takes_away_django_admin_access(
    administrator_client, second_admin, admin_team, team
):
    former = UserFactory(role=Role.ADMINISTRATOR, team=admin_team, is_staff=True)
    _ask(administrator_client, former, Role.PRACTITIONER, team)
    _decide(_client(second_admin), AccessChangeRequest.objects.get(), "approve")

    former.refresh_from_db()
    assert (former.role, former.team, former.is_staff, former.is_superuser) == (
        Role.PRACTITIONER,
        team,
        False,
        False,
    )


def test_the_requester_cannot_approve_their_own_request(
    administrator_client, admin, commissioner, team
):
    _ask(administrator_client, commissioner, Role.PRACTITIONER, team)
    waiting = AccessChangeRequest.objects.get()
    listing = administrator_client.get(reverse("accounts:admin_access_request_list"))
    assert "Waiting for another administrator" in listing.content.decode()

    page = administrator_client.get(
        reverse("accounts:admin_access_request_decide", args=[waiting.pk])
    )
    response = _decide(administrator_client, waiting, "approve")

    for answer in (page, response):
        assert answer.status_code == 403
        assert escape(access_requests.OWN_REQUEST_MESSAGE) in answer.content.decode()
    assert _role_team_version(commissioner) == (Role.COMMISSIONER, team.pk, 1)
    waiting.refresh_from_db()
    assert waiting.status == AccessRequestStatus.PENDING
    refusals = [row[3] for row in audits(admin, action=AuditAction.REFUSED)]
    assert refusals == [f"access request {waiting.pk} decision refused: own request"] * 2
    with pytest.raises(ValidationError, match="You asked for this change"):
        access_requests.decide(
            access_request=waiting, by=admin, approve=True, reason="x", expected_version=1
        )


def test_the_user_a_request_is_about_cannot_approve_it(
    administrator_client, second_admin, admin_team, team
):
    _ask(administrator_client, second_admin, Role.PRACTITIONER, team)

    response = _decide(_client(second_admin), AccessChangeRequest.objects.get(), "approve")

    assert response.status_code == 403
    assert OWN_ACCOUNT_MESSAGE in response.content.decode()
    assert _role_team_version(second_admin) == (Role.ADMINISTRATOR, admin_team.pk, 1)


def test_a_rejection_leaves_the_user_unchanged(
    administrator_client, second_admin, commissioner, team
):
    _ask(administrator_client, commissioner, Role.PROBATION_OFFICER, team)
    waiting = AccessChangeRequest.objects.get()

    response = _decide(_client(second_admin), waiting, "reject", reason="Not a probation post")

    assert response.status_code == 302
    assert _role_team_version(commissioner) == (Role.COMMISSIONER, team.pk, 1)
    waiting.refresh_from_db()
    assert (waiting.status, waiting.decided_by, waiting.decision_reason) == (
        AccessRequestStatus.REJECTED,
        second_admin,
        "Not a probation post",
    )
    assert list(commissioner.changes.order_by("id").values_list("what", flat=True)) == [
        AccountChangeKind.ACCESS_REQUESTED,
        AccountChangeKind.ACCESS_REJECTED,
    ]
    assert audits(second_admin, action=AuditAction.CHANGE)[0][3].startswith(
        f"access request {waiting.pk} rejected: role commissioner -> probation_officer"
    )


def test_an_approval_after_another_administrator_decided_is_refused(
    administrator_client, second_admin, third_admin, commissioner, team
):
    _ask(administrator_client, commissioner, Role.PRACTITIONER, team)
    waiting = AccessChangeRequest.objects.get()
    second, third = _client(second_admin), _client(third_admin)
    url = reverse("accounts:admin_access_request_decide", args=[waiting.pk])
    assert second.get(url).status_code == third.get(url).status_code == 200

    assert _decide(third, waiting, "reject").status_code == 302
    response = _decide(second, waiting, "approve")

    assert response.status_code == 409
    assert "already approved or rejected this request" in response.content.decode()
    assert _role_team_version(commissioner) == (Role.COMMISSIONER, team.pk, 1)
    waiting.refresh_from_db()
    assert (waiting.status, waiting.decided_by) == (AccessRequestStatus.REJECTED, third_admin)
    assert not UserChange.objects.filter(what=AccountChangeKind.ACCESS_APPROVED).exists()


def test_an_approval_after_the_user_changed_is_refused(
    administrator_client, second_admin, third_admin, commissioner, team, other_team
):
    _ask(administrator_client, commissioner, Role.PRACTITIONER, team)
    # Meanwhile a third administrator moves the commissioner (no approval needed for that).
    _ask(_client(third_admin), commissioner, Role.COMMISSIONER, other_team)

    response = _decide(_client(second_admin), AccessChangeRequest.objects.get(), "approve")

    assert response.status_code == 409
    assert (
        escape("role or team has changed since the request was made") in response.content.decode()
    )
    assert _role_team_version(commissioner) == (Role.COMMISSIONER, other_team.pk, 2)
    assert AccessChangeRequest.objects.get().status == AccessRequestStatus.PENDING


def test_only_an_active_administrator_can_decide(administrator_client, commissioner, team):
    _ask(administrator_client, commissioner, Role.PRACTITIONER, team)
    waiting = AccessChangeRequest.objects.get()
    lead = UserFactory(role=Role.TEAM_LEAD, team=team)

    assert _decide(_client(lead), waiting, "approve").status_code == 403
    with pytest.raises(ValidationError, match="Only an administrator"):
        access_requests.decide(
            access_request=waiting, by=lead, approve=True, reason="x", expected_version=1
        )
    assert _role_team_version(commissioner) == (Role.COMMISSIONER, team.pk, 1)


# The Django admin -------------------------------------------------------------------------


def test_the_django_admin_cannot_change_role_team_or_superuser(admin, commissioner, team):
    """Even a superuser signed in to the Django admin: the user pages do not exist."""
    superuser = UserFactory(role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    client = _client(superuser)
    data = {
        "username": admin.username,
        "role": Role.PRACTITIONER,
        "team": team.pk,
        "is_superuser": "on",
        "is_staff": "on",
        "is_active": "on",
        "groups": [],
        "user_permissions": [],
    }

    for url in (f"/admin/accounts/user/{admin.pk}/change/", "/admin/accounts/user/add/"):
        assert client.post(url, data).status_code == 404
    assert client.get("/admin/").status_code == 200  # the admin itself is up

    admin.refresh_from_db()
    assert (admin.role, admin.team_id, admin.is_superuser, admin.is_staff, admin.version) == (
        Role.ADMINISTRATOR,
        admin.team_id,
        False,
        False,
        1,
    )
    assert User.objects.filter(is_superuser=True).count() == 1
    assert User not in django_admin.site._registry
    inlines = [inline.model for a in django_admin.site._registry.values() for inline in a.inlines]
    assert User not in inlines
