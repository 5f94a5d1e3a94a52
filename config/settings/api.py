"""The JSON API's settings (api/, docs/api.md), imported by base.py: django-oauth-toolkit,
Django REST framework and drf-spectacular, and the API's own rate and token lifetime."""

import re

import environ
from django.core.exceptions import ImproperlyConfigured

from config.environment import setting

env = environ.Env()

# The JSON API for custody and probation systems (api/, docs/api.md): OAuth2 client
# credentials only (no session, no browsable API), problem+json errors, a rate per client.
LD_API_RATE = setting("LD_API_RATE", env.str, "120/min")
if not re.fullmatch(r"\d+/(s|sec|m|min|h|hour|d|day)", LD_API_RATE):
    raise ImproperlyConfigured("Environment variable LD_API_RATE must be like 120/min")
LD_API_TOKEN_SECONDS = setting("LD_API_TOKEN_SECONDS", env.int, 3600)
# The toolkit's own models (its migrations name this setting; the API keys its client row to it).
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "ACCESS_TOKEN_EXPIRE_SECONDS": LD_API_TOKEN_SECONDS,
    "SCOPES_BACKEND_CLASS": "api.oauth_scopes.ClientScopes",
    # Only client credentials are used: every other flow held to the OAuth 2.0 Security BCP
    # (RFC 9700), as django-oauth-toolkit's deploy checks ask.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,  # noqa: S105 - a flag, not a secret  # nosec B105
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,  # noqa: S105 - a flag, not a secret  # nosec B105
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,  # noqa: S105 - a flag, not a secret  # nosec B105
    "REFRESH_TOKEN_REUSE_PROTECTION": True,  # noqa: S105 - a flag, not a secret  # nosec B105
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
}
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ClientTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api_client": LD_API_RATE},
    "EXCEPTION_HANDLER": "api.problems.problem_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Liaison & Diversion and CSTR API",
    "DESCRIPTION": "Referrals from custody and court systems; orders and appointments for "
    "probation systems.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "TAGS": [  # the documentation page's sections, in order (api/reference.py)
        {"name": "referrals", "description": "For custody and court systems: referrals."},
        {"name": "orders", "description": "For probation systems: a team's orders."},
        {"name": "appointments", "description": "For probation systems: appointment outcomes."},
    ],
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"ReferralStatusEnum": "referrals.enums.ReferralStatus"},
}
