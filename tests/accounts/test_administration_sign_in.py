"""What an administrator's change does to signing in: deactivating ends the user's sessions,
reactivating lets them back, and two-factor sign-in is required, lifted or reset.
"""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.enums import AccountChangeKind, AuditAction, Role
from accounts.models import UserChange
from tests.factories import UserFactory

from .helpers import audits, broken_summary_links, can_sign_in, signed_in_client

pytestmark = pytest.mark.django_db


# Deactivating and reactivating -------------------------------------------------------------


def test_deactivating_a_user_ends_their_sessions_only(
    administrator_client, admin, practitioner, team
):
    colleague = UserFactory(team=team, username="colleague")
    phone, desktop = signed_in_client(practitioner), signed_in_client(practitioner)
    other = signed_in_client(colleague)
    assert Session.objects.count() == 4  # with the administrator's

    response = administrator_client.post(
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
    assert not can_sign_in(practitioner.username)
    change = practitioner.changes.get()
    assert (change.what, change.reason, change.by) == (
        AccountChangeKind.DEACTIVATED,
        "Left the service",
        admin,
    )
    assert audits(admin, action=AuditAction.CHANGE)[-1][3] == "user deactivated, 2 sessions ended"


def test_reactivating_a_user_lets_them_sign_in_again(administrator_client, admin, team):
    # A role that sees no records: at once (one that does waits for a second administrator:
    # test_account_activation_requests.py).
    gone = UserFactory(team=team, is_active=False, username="gone", role=Role.COMMISSIONER)
    url = reverse("accounts:admin_user_active", args=[gone.pk])
    assert "Reactivate user" in administrator_client.get(url).content.decode()

    response = administrator_client.post(url, {"reason": "Came back", "version": 1})

    assert response.status_code == 302
    assert can_sign_in("gone")
    assert list(gone.changes.values_list("what", flat=True)) == [AccountChangeKind.REACTIVATED]
    assert audits(admin, action=AuditAction.CHANGE)[-1][3] == "user reactivated"


def test_deactivating_twice_from_two_pages_is_refused_as_stale(
    administrator_client, admin_team, practitioner
):
    url = reverse("accounts:admin_user_active", args=[practitioner.pk])
    second_admin = Client()
    second_admin.force_login(UserFactory(role=Role.ADMINISTRATOR, team=admin_team))
    assert second_admin.post(url, {"reason": "Left", "version": 1}).status_code == 302

    response = administrator_client.post(url, {"reason": "Left too", "version": 1})

    assert response.status_code == 409
    practitioner.refresh_from_db()
    assert practitioner.is_active is False
    assert practitioner.changes.count() == 1


# Two-factor sign-in -------------------------------------------------------------------------


def test_requiring_two_factor_sends_the_user_to_set_it_up_at_next_sign_in(
    administrator_client, admin, practitioner
):
    response = administrator_client.post(
        reverse("accounts:admin_user_two_factor_required", args=[practitioner.pk]),
        {"reason": "Handles sensitive cases", "version": 1},
    )

    assert response.status_code == 302
    practitioner.refresh_from_db()
    assert practitioner.two_factor_required is True
    signed_in = signed_in_client(practitioner)
    assert signed_in.get(reverse("accounts:password_change")).url.startswith(
        reverse("accounts:two_factor_enrol")
    )
    assert list(practitioner.changes.values_list("what", flat=True)) == [
        AccountChangeKind.TWO_FACTOR_REQUIRED
    ]
    assert audits(admin, action=AuditAction.CHANGE)[-1][3] == "two-factor required"


def test_no_longer_requiring_two_factor_lets_them_sign_in_with_a_password(
    administrator_client, practitioner
):
    practitioner.two_factor_required = True
    practitioner.save()

    administrator_client.post(
        reverse("accounts:admin_user_two_factor_required", args=[practitioner.pk]),
        {"reason": "Changed duties", "version": 1},
    )

    practitioner.refresh_from_db()
    assert practitioner.two_factor_required is False
    signed_in = signed_in_client(practitioner)
    assert signed_in.get(reverse("accounts:password_change")).status_code == 200


def test_resetting_two_factor_removes_the_app_and_signs_the_user_out(
    administrator_client, admin, practitioner, team
):
    TOTPDevice.objects.create(user=practitioner, name="Old phone", confirmed=True)
    colleague = UserFactory(team=team)
    kept = TOTPDevice.objects.create(user=colleague, name="Their phone", confirmed=True)
    signed_in_client(practitioner)
    detail = administrator_client.get(reverse("accounts:admin_user_detail", args=[practitioner.pk]))
    assert "An authenticator app is set up" in detail.content.decode()

    response = administrator_client.post(
        reverse("accounts:admin_user_two_factor_reset", args=[practitioner.pk]),
        {"reason": "Lost phone", "version": 1},
    )

    assert response.status_code == 302
    assert list(TOTPDevice.objects.all()) == [kept]
    assert Session.objects.count() == 1  # the administrator's
    assert list(practitioner.changes.values_list("what", "reason")) == [
        (AccountChangeKind.TWO_FACTOR_RESET, "Lost phone")
    ]
    assert audits(admin, action=AuditAction.CHANGE)[-1][3] == "two-factor reset, 1 sessions ended"


def test_resetting_two_factor_of_a_user_without_an_app_says_so(administrator_client, practitioner):
    response = administrator_client.post(
        reverse("accounts:admin_user_two_factor_reset", args=[practitioner.pk]),
        {"reason": "Lost phone", "version": 1},
    )

    assert response.status_code == 400
    assert "has no authenticator app set up" in response.content.decode()
    assert broken_summary_links(response.content.decode()) == []
    assert not UserChange.objects.exists()
