"""Registering, rotating and revoking API clients (administrators only, through the
administration screens). Each writes the client's history row and an audit entry."""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application

from accounts.audit import audit_record
from accounts.enums import AuditAction
from accounts.models import User
from core.concurrency import save_if_current

from .models import ApiClient, ApiClientChange
from .scopes import SERVICE_ROLES, scopes_for_team_kind


def _new_secret() -> str:
    return secrets.token_urlsafe(40)


@transaction.atomic
def client_register(*, name: str, team, scopes: list[str], by, request=None):
    """Register a client for `team` with `scopes`. Returns (client, secret): the secret is
    shown once and kept only hashed. The client works only once another administrator
    approves it (client_approve). Side effects: the OAuth2 application, the service
    account (a user of the team with the role matching its kind, no password), history,
    audit."""
    allowed = scopes_for_team_kind(team.kind)
    if not scopes or any(scope not in allowed for scope in scopes):
        raise ValidationError({"scopes": "Choose scopes this kind of team may hold"})
    if ApiClient.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": "A client with this name is already registered"})
    secret = _new_secret()
    user = User(
        username=f"api-client-{secrets.token_hex(6)}",
        first_name="API client",
        last_name=name[:150],
        role=SERVICE_ROLES[team.kind],
        team=team,
        is_service_account=True,
    )
    user.set_unusable_password()
    user.save()
    application = Application.objects.create(
        name=name,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret=secret,
        hash_client_secret=True,
    )
    client = ApiClient.objects.create(
        name=name,
        application=application,
        team=team,
        scopes=" ".join(sorted(scopes)),
        service_user=user,
        created_by=by,
    )
    _history(client, ApiClientChange.What.REGISTERED, by, request=request)
    return client, secret


@transaction.atomic
def client_rotate(*, client: ApiClient, expected_version: int, by, request=None) -> str:
    """A new secret (returned, shown once); the old one and every token issued stop
    working at once."""
    _check_active(client)
    client.secret_rotated_at = timezone.now()
    save_if_current(client, expected_version=expected_version)
    application = client.application
    application.client_secret = _new_secret()
    secret = application.client_secret
    application.save()
    AccessToken.objects.filter(application=application).delete()
    _history(client, ApiClientChange.What.ROTATED, by, request=request)
    return secret


@transaction.atomic
def client_revoke(*, client: ApiClient, reason: str, expected_version: int, by, request=None):
    """The client stops working at once: tokens deleted, service account deactivated."""
    _check_active(client)
    client.revoked_at = timezone.now()
    save_if_current(client, expected_version=expected_version)
    AccessToken.objects.filter(application=client.application).delete()
    User.objects.filter(pk=client.service_user_id).update(is_active=False)
    _history(client, ApiClientChange.What.REVOKED, by, reason=reason, request=request)
    return client


SAME_ADMINISTRATOR_MESSAGE = "Another administrator must approve this client: you registered it"


@transaction.atomic
def client_approve(*, client: ApiClient, expected_version: int, by, request=None):
    """A second administrator lets the client work (its token calls were refused until
    now): never the one who registered it, as for a new account with a clinical role
    (accounts.administration.access_requests)."""
    _check_active(client)
    if client.is_approved:
        raise ValidationError("This client is already approved")
    if by.pk == client.created_by_id:
        raise ValidationError(SAME_ADMINISTRATOR_MESSAGE)
    client.approved_at, client.approved_by = timezone.now(), by
    save_if_current(client, expected_version=expected_version)
    _history(client, ApiClientChange.What.APPROVED, by, request=request)
    return client


def _check_active(client: ApiClient) -> None:
    if not client.is_active:
        raise ValidationError("This client is revoked")


def _history(client, what, by, *, reason="", request=None):
    ApiClientChange.objects.create(client=client, what=what, by=by, reason=reason)
    audit_record(
        action=AuditAction.CHANGE if what != "registered" else AuditAction.CREATE,
        user=by,
        obj=client,
        detail=f"api client {what}",
        request=request,
    )
