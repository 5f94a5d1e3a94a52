"""A rate per client (LD_API_RATE), keyed by the client's id, not the caller's address."""

from rest_framework.throttling import SimpleRateThrottle


class ClientRateThrottle(SimpleRateThrottle):
    scope = "api_client"

    def get_cache_key(self, request, view):
        client = getattr(request, "api_client", None)
        if client is None:
            return None  # refused before throttling matters: no token, no client
        return self.cache_format % {"scope": self.scope, "ident": client.pk}
