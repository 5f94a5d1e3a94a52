"""Who is calling: a bearer token from the client-credentials grant, turned into the
client's service account so the access policy applies unchanged.

A token of a revoked client, or one whose account is inactive, is refused (401) even
before it expires; so is a session: the API has no cookie authentication, hence no CSRF.
"""

from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from rest_framework import exceptions


class ClientTokenAuthentication(OAuth2Authentication):
    www_authenticate_realm = "api"

    def authenticate(self, request):
        # Only the Authorization header carries a token (never the body or the address), and
        # a call without one is refused (401) before its body is read.
        if not request.headers.get("Authorization", "").startswith("Bearer "):
            return None
        found = super().authenticate(request)
        if found is None:
            return None
        _user, token = found
        client = getattr(token.application, "api_client", None)
        if client is None or not client.is_active or not client.service_user.is_active:
            raise exceptions.AuthenticationFailed("This client's access has been revoked.")
        if not client.is_approved:
            raise exceptions.AuthenticationFailed(
                "This client waits for a second administrator's approval."
            )
        request.api_client = client
        request._request.api_client = client
        return client.service_user, token
