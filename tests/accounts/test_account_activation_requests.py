"""An administrator cannot make themselves a clinical account (issue 17, item 1, the
remaining gaps): a new account with a role that sees people's records is saved inactive,
with no password anyone could use, and a reactivation of such an account waits too, until
a second administrator (neither the one who asked nor the user) approves it. The approving
administrator alone sees a new account's temporary password. Accounts whose role sees no
records are created and reactivated at once, as before."""

import re

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from accounts.administration import access_requests, services
from accounts.administration.views import REACTIVATION_REQUESTED_MESSAGE
from accounts.enums import (
    AccessRequestKind,
    AccessRequestStatus,
    AccountChangeKind,
    AuditAction,
    Role,
)
from accounts.models import AccessChangeRequest, AuditEvent, User, UserChange
from tests.factories import UserFactory

from .helpers import PASSWORD, audits, can_sign_in

pytestmark = pytest.mark.django_db

CLINICAL = [Role.PRACTITIONER, Role.TEAM_LEAD, Role.PROBATION_OFFICER, Role.PROVIDER_CLINICIAN]
# services.temporary_password: four groups of four letters and digits.
PASSWORD_SHAPE = re.compile(r"\b[a-zA-Z0-9]{4}-[a-zA-Z0-9]{4}-[a-zA-Z0-9]{4}-[a-zA-Z0-9]{4}\b")


@pytest.fixture
def second_admin(admin_team):
    return UserFactory(role=Role.ADMINISTRATOR, team=admin_team, first_name="Bo", last_name="Two")


@pytest.fixture
def third_admin(admin_team):
    return UserFactory(role=Role.ADMINISTRATOR, team=admin_team, first_name="Cy", last_name="Three")


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _create(client, team, role=Role.PRACTITIONER, username="nevans"):
    data = {
        "first_name": "Nia",
        "last_name": "Evans",
        "username": username,
        "email": f"{username}@example.nhs.uk",
        "job_title": "",
        "role": role,
        "team": team.pk,
        "reason": "Joins the custody rota",
    }
    return client.post(reverse("accounts:admin_user_create"), data)


def _set_active(client, user, reason="Back from leave"):
    url = reverse("accounts:admin_user_active", args=[user.pk])
    return client.post(url, {"reason": reason, "version": user.version}, follow=True)


def _decide(client, access_request, decision, reason="Checked with the service manager"):
    url = reverse("accounts:admin_access_request_decide", args=[access_request.pk])
    return client.post(url, {"decision": decision, "reason": reason, "version": 1})


def _state(username):
    user = User.objects.get(username=username)
    return (user.is_active, user.has_usable_password())


def _history(user):
    return list(user.changes.order_by("id").values_list("what", "by"))


# A new account with a role that sees records ----------------------------------------------


@pytest.mark.parametrize("role", CLINICAL)
def test_a_clinical_account_is_created_inactive_and_waits_for_approval(
    administrator_client, admin, second_admin, team, role
):
    response = _create(administrator_client, team, role)

    assert response.status_code == 200
    body = response.content.decode()
    assert "User added: waiting for approval" in body
    assert response.context["password"] is None
    assert not PASSWORD_SHAPE.search(body)
    user = User.objects.get(username="nevans")
    assert (user.role, user.team, user.is_active, user.has_usable_password()) == (
        role,
        team,
        False,
        False,
    )
    assert not can_sign_in("nevans", "")
    waiting = AccessChangeRequest.objects.get()
    assert (waiting.kind, waiting.user, waiting.requested_by, waiting.role, waiting.team) == (
        AccessRequestKind.NEW_ACCOUNT,
        user,
        admin,
        role,
        team,
    )
    listing = _client(second_admin).get(reverse("accounts:admin_access_request_list"))
    rows = listing.content.decode()
    assert "A new account" in rows
    assert reverse("accounts:admin_access_request_decide", args=[waiting.pk]) in rows
    assert _history(user) == [
        (AccountChangeKind.CREATED, admin.pk),
        (AccountChangeKind.ACTIVATION_REQUESTED, admin.pk),
    ]
    assert [
        row[3] for row in audits(admin, action__in=[AuditAction.CREATE, AuditAction.CHANGE])
    ] == [
        f"user created: role {role}, team {team.pk}, inactive until approved",
        f"access request {waiting.pk} requested: new_account, role {role}, team {team.pk}",
    ]


def test_the_creator_cannot_approve_the_account_they_added(administrator_client, admin, team):
    _create(administrator_client, team)
    waiting = AccessChangeRequest.objects.get()
    url = reverse("accounts:admin_access_request_decide", args=[waiting.pk])

    page = administrator_client.get(url)
    response = _decide(administrator_client, waiting, "approve")

    for answer in (page, response):
        assert answer.status_code == 403
        assert escape(access_requests.OWN_REQUEST_MESSAGE) in answer.content.decode()
        assert not PASSWORD_SHAPE.search(answer.content.decode())
    assert _state("nevans") == (False, False)
    waiting.refresh_from_db()
    assert waiting.status == AccessRequestStatus.PENDING
    assert [row[3] for row in audits(admin, action=AuditAction.REFUSED)] == [
        f"access request {waiting.pk} decision refused: own request"
    ] * 2
    # Nor through the account's other screens: reactivating it is one more request.
    user = User.objects.get(username="nevans")
    assert _set_active(administrator_client, user).status_code == 400
    assert _state("nevans") == (False, False)


def test_another_administrator_approves_and_alone_sees_the_password(
    administrator_client, admin, second_admin, third_admin, team
):
    _create(administrator_client, team)
    waiting = AccessChangeRequest.objects.get()
    second = _client(second_admin)
    decide_page = second.get(reverse("accounts:admin_access_request_decide", args=[waiting.pk]))
    assert "You will see their temporary password" in decide_page.content.decode()

    response = _decide(second, waiting, "approve")

    assert response.status_code == 200
    password = response.context["password"]
    assert PASSWORD_SHAPE.fullmatch(password)
    assert "Account approved" in response.content.decode()
    assert password in response.content.decode()
    assert not list(get_messages(response.wsgi_request))
    assert "no-store" in response["Cache-Control"]  # kept by no browser cache
    assert _state("nevans") == (True, True)
    assert can_sign_in("nevans", password)
    user = User.objects.get(username="nevans")
    # The creator, and a third administrator, never see it: not on any page, in the
    # history or the audit trail.
    for client in (administrator_client, _client(third_admin), second):
        for name, args in (
            ("accounts:admin_user_detail", [user.pk]),
            ("accounts:admin_access_request_decide", [waiting.pk]),
            ("accounts:admin_access_request_list", []),
        ):
            assert password not in client.get(reverse(name, args=args)).content.decode()
    assert not UserChange.objects.filter(after__contains=password).exists()
    assert not AuditEvent.objects.filter(detail__contains=password).exists()
    assert _history(user) == [
        (AccountChangeKind.CREATED, admin.pk),
        (AccountChangeKind.ACTIVATION_REQUESTED, admin.pk),
        (AccountChangeKind.ACTIVATED, second_admin.pk),
        (AccountChangeKind.ACTIVATION_APPROVED, second_admin.pk),
    ]
    assert [row[3] for row in audits(second_admin, action=AuditAction.CHANGE)] == [
        "user activated, temporary password set",
        f"access request {waiting.pk} approved: new_account, role practitioner, team {team.pk}",
    ]
    # Sent again (a reload): refused, and no second password.
    again = _decide(second, waiting, "approve")
    assert again.status_code == 409
    assert not PASSWORD_SHAPE.search(again.content.decode())
    assert User.objects.get(username="nevans").check_password(password)


def test_a_rejected_account_stays_inactive(administrator_client, admin, second_admin, team):
    _create(administrator_client, team)
    waiting = AccessChangeRequest.objects.get()

    response = _decide(_client(second_admin), waiting, "reject", reason="Not a new starter")

    assert response.status_code == 302
    assert _state("nevans") == (False, False)
    assert not can_sign_in("nevans", "")
    waiting.refresh_from_db()
    assert (waiting.status, waiting.decided_by, waiting.decision_reason) == (
        AccessRequestStatus.REJECTED,
        second_admin,
        "Not a new starter",
    )
    assert _history(User.objects.get(username="nevans"))[-1] == (
        AccountChangeKind.ACTIVATION_REJECTED,
        second_admin.pk,
    )
    assert audits(second_admin, action=AuditAction.CHANGE)[-1][3] == (
        f"access request {waiting.pk} rejected: new_account, role practitioner, team {team.pk}"
    )


# Reactivating an account with a role that sees records ------------------------------------


def test_reactivating_a_clinical_user_needs_a_second_administrator(
    administrator_client, admin, second_admin, team
):
    gone = UserFactory(team=team, role=Role.TEAM_LEAD, username="gone", is_active=False)

    response = _set_active(administrator_client, gone)

    assert escape(REACTIVATION_REQUESTED_MESSAGE) in response.content.decode()
    gone.refresh_from_db()
    assert (gone.is_active, gone.version) == (False, 1)
    assert not can_sign_in("gone")
    waiting = AccessChangeRequest.objects.get()
    assert (waiting.kind, waiting.requested_by) == (AccessRequestKind.REACTIVATION, admin)
    assert _decide(administrator_client, waiting, "approve").status_code == 403
    assert not can_sign_in("gone")

    approval = _decide(_client(second_admin), waiting, "approve")

    assert approval.status_code == 302
    assert can_sign_in("gone", PASSWORD)  # their own password, unchanged
    assert _history(gone) == [
        (AccountChangeKind.ACTIVATION_REQUESTED, admin.pk),
        (AccountChangeKind.REACTIVATED, second_admin.pk),
        (AccountChangeKind.ACTIVATION_APPROVED, second_admin.pk),
    ]
    assert [row[3] for row in audits(second_admin, action=AuditAction.CHANGE)] == [
        "user reactivated",
        f"access request {waiting.pk} approved: reactivation, role team_lead, team {team.pk}",
    ]


def test_a_rejected_reactivation_leaves_the_user_deactivated(
    administrator_client, second_admin, practitioner
):
    practitioner.is_active = False
    practitioner.save()
    _set_active(administrator_client, practitioner)

    _decide(_client(second_admin), AccessChangeRequest.objects.get(), "reject")

    practitioner.refresh_from_db()
    assert practitioner.is_active is False
    assert not can_sign_in(practitioner.username)
    assert _history(practitioner)[-1] == (AccountChangeKind.ACTIVATION_REJECTED, second_admin.pk)


def test_deactivating_a_clinical_user_needs_no_approval(administrator_client, practitioner):
    _set_active(administrator_client, practitioner, reason="Left the service")

    practitioner.refresh_from_db()
    assert practitioner.is_active is False
    assert not AccessChangeRequest.objects.exists()


# Accounts whose role sees no records --------------------------------------------------------


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.ADMINISTRATOR])
def test_an_account_seeing_no_records_is_created_and_reactivated_at_once(
    administrator_client, admin, team, role
):
    response = _create(administrator_client, team, role)

    password = response.context["password"]
    assert password in response.content.decode()
    assert can_sign_in("nevans", password)
    user = User.objects.get(username="nevans")
    _set_active(administrator_client, user, reason="Left")
    user.refresh_from_db()
    assert _set_active(administrator_client, user).status_code == 200
    assert can_sign_in("nevans", password)
    assert not AccessChangeRequest.objects.exists()
    assert [what for what, _ in _history(user)] == [
        AccountChangeKind.CREATED,
        AccountChangeKind.DEACTIVATED,
        AccountChangeKind.REACTIVATED,
    ]


def test_the_services_refuse_a_clinical_account_or_reactivation_without_a_request(
    admin, practitioner, team
):
    with pytest.raises(ValidationError, match="another administrator's approval"):
        services.user_create(
            by=admin,
            reason="x",
            username="sneaky",
            first_name="S",
            last_name="N",
            email="s@example.nhs.uk",
            role=Role.PRACTITIONER,
            team=team,
            job_title="",
        )
    fields = {"username": "sneaky", "role": Role.TEAM_LEAD, "team": team}
    with pytest.raises(ValidationError, match="another administrator's approval"):
        services.add_user(by=admin, fields=fields, reason="x", password="kq7M-x2Pd-9wTe-h4Ra")
    practitioner.is_active = False
    practitioner.save()
    with pytest.raises(ValidationError, match="another administrator's approval"):
        services.user_set_active(
            user=practitioner, by=admin, active=True, reason="x", expected_version=1
        )
    assert not User.objects.filter(username="sneaky").exists()
    practitioner.refresh_from_db()
    assert practitioner.is_active is False


# Stale approvals ----------------------------------------------------------------------------


def test_an_approval_after_another_administrator_rejected_is_refused(
    administrator_client, second_admin, third_admin, team
):
    _create(administrator_client, team)
    waiting = AccessChangeRequest.objects.get()
    second, third = _client(second_admin), _client(third_admin)
    url = reverse("accounts:admin_access_request_decide", args=[waiting.pk])
    assert second.get(url).status_code == third.get(url).status_code == 200

    assert _decide(third, waiting, "reject").status_code == 302
    response = _decide(second, waiting, "approve")

    assert response.status_code == 409
    assert "already approved or rejected this request" in response.content.decode()
    assert not PASSWORD_SHAPE.search(response.content.decode())
    assert _state("nevans") == (False, False)


def test_an_approval_after_the_account_changed_is_refused(
    administrator_client, second_admin, third_admin, team, other_team
):
    _create(administrator_client, team)
    user = User.objects.get(username="nevans")
    # Meanwhile a third administrator makes it a commissioner's (no approval needed).
    third = _client(third_admin)
    role_team = reverse("accounts:admin_user_role_team", args=[user.pk])
    data = {"role": Role.COMMISSIONER, "team": other_team.pk, "reason": "Wrong", "version": 1}
    assert third.post(role_team, data).status_code == 302

    response = _decide(_client(second_admin), AccessChangeRequest.objects.get(), "approve")

    assert response.status_code == 409
    assert escape(access_requests.USER_CHANGED_MESSAGE) in response.content.decode()
    assert _state("nevans") == (False, False)
    assert AccessChangeRequest.objects.get().status == AccessRequestStatus.PENDING


def test_an_approval_after_the_account_was_activated_elsewhere_is_refused(
    administrator_client, second_admin, practitioner
):
    practitioner.is_active = False
    practitioner.save()
    _set_active(administrator_client, practitioner)
    # Activated outside the screens meanwhile (a shell on the server).
    User.objects.filter(pk=practitioner.pk).update(is_active=True)

    response = _decide(_client(second_admin), AccessChangeRequest.objects.get(), "approve")

    assert response.status_code == 409
    assert escape(access_requests.ALREADY_ACTIVE_MESSAGE) in response.content.decode()
    assert not practitioner.changes.filter(what=AccountChangeKind.REACTIVATED).exists()


def test_a_waiting_account_takes_no_second_request(
    administrator_client, second_admin, team, other_team
):
    _create(administrator_client, team)
    user = User.objects.get(username="nevans")
    role_team = reverse("accounts:admin_user_role_team", args=[user.pk])
    data = {"role": Role.TEAM_LEAD, "team": other_team.pk, "reason": "Lead", "version": 1}

    response = _client(second_admin).post(role_team, data)

    assert response.status_code == 400
    assert escape(access_requests.PENDING_MESSAGE) in response.content.decode()
    assert AccessChangeRequest.objects.get().kind == AccessRequestKind.NEW_ACCOUNT
