"""The OpenAPI description of the API's authentication: OAuth2 client credentials, each
operation naming the scopes it needs (imported by apps.ready for drf-spectacular)."""

from django.urls import reverse
from drf_spectacular.extensions import OpenApiAuthenticationExtension

from .scopes import SCOPES


class ClientTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ClientTokenAuthentication"
    name = "clientCredentials"

    def get_security_definition(self, auto_schema):
        return {
            "type": "oauth2",
            "flows": {
                "clientCredentials": {"tokenUrl": reverse("api:token"), "scopes": dict(SCOPES)}
            },
        }

    def get_security_requirement(self, auto_schema):
        return {self.name: list(getattr(auto_schema.view, "required_scopes", []))}
