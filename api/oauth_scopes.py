"""django-oauth-toolkit's scopes backend: a client gets only the scopes it was registered
with (api.ApiClient.scopes), and none once revoked."""

from oauth2_provider.scopes import BaseScopes

from .scopes import SCOPES


def _client_scopes(application) -> list[str]:
    client = getattr(application, "api_client", None) if application is not None else None
    if client is None or not client.is_active:
        return []
    return client.scope_list


class ClientScopes(BaseScopes):
    def get_all_scopes(self):
        return dict(SCOPES)

    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        return _client_scopes(application)

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        return _client_scopes(application)
