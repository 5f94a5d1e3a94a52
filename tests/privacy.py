"""Checks that personal data stays out of URLs.

A search is carried in a URL only as an opaque random token (`?search=<token>`,
core.search_tokens). The token can contain any letters or digits by chance ("zoe", "943"),
so a check that a typed name or number is absent looks at the URL with the token removed.
"""

import re

TOKEN = re.compile(r"(search=)[A-Za-z0-9_-]+")


def without_search_token(url: str) -> str:
    """The URL with each search token's value blanked (the parameter name is kept)."""
    return TOKEN.sub(r"\1", url)
