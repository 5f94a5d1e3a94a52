"""The kinds of access a URL has (URL_RULES in url_rules.py maps every URL to one), and
`expected_outcome`: what the policy says a visitor gets there."""

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

from accounts.enums import Role
from accounts.policy import may, permits

PUBLIC = "public"  # reachable signed out (sign-in page, health check)
SIGNED_IN = "signed_in"  # any signed-in user; shows only their own account data
POLICY_RULE = "policy"  # allowed exactly where accounts.policy allows
# A provider's callback (GOV.UK Notify's receipts): a bearer token only, never a session, so
# every visitor here, signed in or not, is refused (401, or 503 with no token configured).
BEARER_TOKEN = "bearer_token"
# The JSON API (api/, docs/api.md): an OAuth2 client's token only. A session opens nothing
# there, so every visitor of the matrix, signed in or not, is refused (401; 403 for a token
# lacking the scope, tested in tests/api).
API_TOKEN = "api_token"

ALLOWED, REFUSED, TO_SIGN_IN = "allowed", "refused", "to sign-in"
REFUSED_WITHOUT_TOKEN, TOKEN_REFUSED_CODES = "refused without the token", {401, 503}
# A refusal answers as accounts.policy does: 403 where the role may never do it (no grant for
# the page's kind and action, or a narrower rule of the view), 404 where it may but the record
# is outside its scope (another team, no consent to share, restricted, someone else's).
ROLE_REFUSED, OUT_OF_SCOPE = 403, 404
REFUSED_WITHOUT_CLIENT_TOKEN, API_REFUSED_CODES = "refused without a client's token", {401, 403}


@dataclass(frozen=True)
class Rule:
    access: str = POLICY_RULE
    needs: tuple[tuple[str, str], ...] = ()  # (kind, action) pairs, all required
    kwargs: Callable[[SimpleNamespace], dict] = field(default=lambda seed: {})
    obj: Callable[[SimpleNamespace], object] | None = None  # record whose scope decides
    method: str = "get"
    ends_signed_out: bool = False  # signing out rightly lands on the sign-in page
    # The policy cell that decides whether `obj` is in the visitor's scope (default: needs[0]).
    scope_check: tuple[str, str] | None = None
    # A narrower rule a view adds on top of the policy (e.g. assessments are written by the
    # L&D team only, whatever else a role may do). Listed here so it is reviewed.
    roles: frozenset[str] | None = None
    owner: Callable[[SimpleNamespace], object] | None = None  # a record only its owner sees


def rule(kind, action, **extra):
    return Rule(needs=((kind, action),), **extra)


LD_TEAM = frozenset({Role.PRACTITIONER, Role.TEAM_LEAD})
PROBATION_ONLY = frozenset({Role.PROBATION_OFFICER})


def expected_outcome(url_rule, user, seed):
    if url_rule.access == PUBLIC:
        return ALLOWED
    if url_rule.access == BEARER_TOKEN:
        return REFUSED_WITHOUT_TOKEN
    if url_rule.access == API_TOKEN:
        return REFUSED_WITHOUT_CLIENT_TOKEN
    if user is None:
        return TO_SIGN_IN
    if url_rule.owner is not None and user != url_rule.owner(seed):
        return REFUSED
    if url_rule.access == SIGNED_IN:
        return ALLOWED
    if not all(permits(user, action, kind) for kind, action in url_rule.needs):
        return REFUSED
    if url_rule.roles is not None and user.role not in url_rule.roles:
        return REFUSED
    if url_rule.obj is not None:
        kind, action = url_rule.scope_check or url_rule.needs[0]
        if not may(user, action, kind, url_rule.obj(seed)):
            return REFUSED
    return ALLOWED


def refused_code(url_rule, user):
    """The code a refused visitor gets: ROLE_REFUSED when the role may never use the page,
    OUT_OF_SCOPE when it may but not for this record."""
    role_may = all(permits(user, action, kind) for kind, action in url_rule.needs)
    if not role_may or (url_rule.roles is not None and user.role not in url_rule.roles):
        return ROLE_REFUSED
    return OUT_OF_SCOPE
