"""The address a request came from, for the audit trail, the sign-in log and "Your sessions".

Behind reverse proxies (the compose file's nginx, a load balancer) REMOTE_ADDR is the last
proxy's address. Each proxy appends the address it was reached from to X-Forwarded-For, so
with `LD_TRUSTED_PROXIES` = N proxies of our own in front of the app, the client is the N-th
entry from the right: entries further left were written by the client and can be forged.
With 0 (the default: nothing in front), the header is ignored altogether.
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.LD_TRUSTED_PROXIES
    if not proxies:
        return remote
    entries = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(entries) < proxies:
        return remote  # reached the app past its proxies: only the connection is known
    candidate = entries[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
