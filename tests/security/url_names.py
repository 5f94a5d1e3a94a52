"""Every URL pattern of the project by name, and those the access matrix has no rule for."""

from django.urls import URLPattern, URLResolver, get_resolver

# The Django admin enforces is_staff and per-model permissions itself; only administrators
# are made staff. Its URLs are generated, so they are covered by namespace.
EXCLUDED_NAMESPACES = {"admin": "Django admin: is_staff and model permissions"}


def iter_url_names(patterns=None, namespace=""):
    """(name, route) of every URL pattern, namespaces joined with ':' as reverse() wants."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from iter_url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or f"<unnamed {pattern.pattern}>"
            yield (f"{namespace}:{name}" if namespace else name), str(pattern.pattern)


def _namespace(url_name):
    return url_name.split(":", 1)[0] if ":" in url_name else ""


def unmapped_urls(rules):
    """Names of the URL patterns outside Django admin that `rules` has no entry for."""
    return sorted(
        name
        for name, _route in iter_url_names()
        if name not in rules and _namespace(name) not in EXCLUDED_NAMESPACES
    )
