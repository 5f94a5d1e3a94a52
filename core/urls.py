"""URLs of one record by id, reversed once per URL name instead of once per row."""

from functools import cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# Any id the URL patterns accept, unlikely to appear elsewhere in a path.
_ID_MARKER = 987_654_321_012


@cache
def _url_around_id(url_name: str, script_prefix: str, urlconf) -> tuple[str, str]:
    head, tail = reverse(url_name, args=[_ID_MARKER], urlconf=urlconf).split(str(_ID_MARKER))
    return head, tail


def url_for_id(url_name: str, pk) -> str:
    """reverse(url_name, args=[pk]) for a URL whose one argument is an id: the same URL,
    built from the parts around the id, which are reversed once (a list page links each of
    its rows, and reverse() cost more than the rest of a row's rendering)."""
    if pk is None:  # an unsaved record: reverse() refuses it, as it always did
        return reverse(url_name, args=[pk])
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    head, tail = _url_around_id(url_name, get_script_prefix(), urlconf)
    return f"{head}{int(pk)}{tail}"
