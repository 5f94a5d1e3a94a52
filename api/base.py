"""The one base of the API's views: a client's token, a scope, a rate per client, every
call audited with the client's identity (ids only), errors as problem+json."""

from django.contrib.auth.decorators import login_not_required
from oauth2_provider.contrib.rest_framework import TokenHasScope
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from accounts.audit import audit_record
from accounts.enums import AuditAction

from .serializers import MAX_ID

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _audit_action(method: str, status_code: int) -> str:
    if status_code in (401, 403, 404):
        return AuditAction.REFUSED
    if method in WRITE_METHODS:
        return AuditAction.CREATE if status_code == 201 else AuditAction.CHANGE
    return AuditAction.VIEW


class ClientView(APIView):
    """Subclasses set `required_scopes` (api.scopes) and their handlers."""

    permission_classes = [IsAuthenticated, TokenHasScope]
    required_scopes: list[str] = []

    @classmethod
    def as_view(cls, **initkwargs):
        # No session: LoginRequiredMiddleware would send a machine to the sign-in page.
        return login_not_required(super().as_view(**initkwargs))

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if any(isinstance(v, int) and v > MAX_ID for v in kwargs.values()):
            raise NotFound()  # beyond any record id: the database would refuse the number

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        client = getattr(request, "api_client", None)
        match = request.resolver_match
        audit_record(
            action=_audit_action(request.method, response.status_code),
            user=client.service_user if client else None,
            object_type=match.view_name if match else "",
            object_id=str(next(iter(kwargs.values()), "")),
            detail=f"api client {client.pk if client else 'none'} {request.method} "
            f"{response.status_code}",
            request=request,
        )
        return response
