"""The token endpoint (OAuth2 client credentials), audited: every call writes an entry with
the client id (never the secret or the token), the outcome and the caller's address. An
issued token is a sign-in of the client's service account; a refusal is a failed sign-in,
found by administrators on the audit search as any other (action "Failed sign-in").

A revoked client, or one still waiting for a second administrator's approval, is refused
here (as an unknown client or a wrong secret is: 401 invalid_client, so the answer tells a
caller nothing about the client), not only on its later calls.
"""

import base64
import binascii
import hashlib
import json
from urllib.parse import unquote_plus

from django.http import HttpResponse
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters
from oauth2_provider.views import TokenView
from oauthlib.oauth2.rfc6749.errors import InvalidClientError

from accounts.audit import audit_record
from accounts.enums import AuditAction

from .models import ApiClient

# A registered client's id is kept as it is (an identifier, not a credential). An id no
# client has is kept only as a fingerprint: it may be a secret pasted in the wrong field,
# and repeated attempts with the same value still read alike in the trail.
FINGERPRINT_LENGTH = 12


def client_id_sent(request) -> str:
    """The client id from HTTP Basic authentication, or else the form body ("" if none).
    The secret beside it is never read here."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header.startswith("Basic "):
        try:
            decoded = base64.b64decode(header[6:], validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return ""
        return unquote_plus(decoded.split(":", 1)[0])
    return request.POST.get("client_id", "")


def _refused() -> HttpResponse:
    """The answer to an unknown client or a wrong secret: the secret was not checked, so
    it says nothing of the client's state (the trail does)."""
    error = InvalidClientError()
    response = HttpResponse(error.json, status=error.status_code, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


def _outcome(api_client, response) -> str:
    if response.status_code == 200:
        return "issued"
    if api_client is None:
        return "unknown client"
    if response.status_code == 401:
        return "bad secret"
    try:
        return json.loads(response.content).get("error", "refused")[:40]
    except (ValueError, AttributeError):
        return "refused"


class AuditedTokenView(TokenView):
    @method_decorator(sensitive_post_parameters("client_secret"))
    def post(self, request, *args, **kwargs):
        client_id = client_id_sent(request)
        api_client = (
            ApiClient.objects.select_related("service_user", "application")
            .filter(application__client_id=client_id)
            .first()
            if client_id
            else None
        )
        if api_client is not None and not api_client.is_active:
            response, outcome = _refused(), "revoked"
        elif api_client is not None and not api_client.is_approved:
            response, outcome = _refused(), "unapproved"
        else:
            response = super().post(request, *args, **kwargs)
            outcome = _outcome(api_client, response) if client_id else "no client id"
        _audit(request, api_client, client_id, outcome)
        return response


def shown_client_id(api_client, client_id: str) -> str:
    if api_client is not None:
        return api_client.application.client_id
    if not client_id:
        return "none"
    digest = hashlib.sha256(client_id.encode()).hexdigest()[:FINGERPRINT_LENGTH]
    return f"unregistered, sha256 {digest}"


def _audit(request, api_client, client_id: str, outcome: str) -> None:
    shown = shown_client_id(api_client, client_id)
    issued = outcome == "issued"
    audit_record(
        action=AuditAction.SIGN_IN if issued else AuditAction.SIGN_IN_FAILED,
        user=api_client.service_user if issued else None,
        username=api_client.service_user.username if api_client else "",
        object_type="api.apiclient" if api_client else "",
        object_id=str(api_client.pk) if api_client else "",
        detail=f"api token {'issued' if issued else 'refused: ' + outcome}; client id {shown}",
        request=request,
    )
