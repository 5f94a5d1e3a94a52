"""The access matrix: every URL x every role, generated from accounts.policy.POLICY.

For each URL pattern in the project (found by walking the URL resolver), URL_RULES says
which (record kind, action) pairs of the policy the view must enforce, and how to build
its URL from seeded data. Each role then requests it:

- a role the policy allows, for a record inside its scope, gets 200/302 (400 for a POST
  with an empty form: the view ran and refused the input, not the user);
- a role the policy refuses gets 403, a record outside the role's scope 404 (access_rules
  `refused_code`), and the body holds none of the seeded person's name or NHS number;
- a signed-out visitor is sent to the sign-in page.

`test_every_url_has_an_access_rule` fails for a URL with no entry in URL_RULES
(url_rules.py): map each new URL there with the policy cell its view enforces (that is
the review of the view).

Consent-gated cells (a role whose scope for the record is CASELOAD_CONSENTED) are tried
again under each consent decision of conftest.CONSENT_STATES, with expectations that do not
ask the scope being tested: under a decision that does not share with probation the page
is refused, or shows none of the assessment's evidence; under one that does, it shows it.
Every other page a supervising role can open is checked never to show that evidence.
"""

import logging

import pytest
from django.urls import reverse

from accounts.audit import LOOKED_AT
from accounts.enums import AuditAction, Role
from accounts.models import AuditEvent
from accounts.policy import POLICY, Action, Kind, Scope

from .access_rules import (
    ALLOWED,
    API_REFUSED_CODES,
    OUT_OF_SCOPE,
    POLICY_RULE,
    PUBLIC,
    REFUSED,
    REFUSED_WITHOUT_CLIENT_TOKEN,
    REFUSED_WITHOUT_TOKEN,
    TO_SIGN_IN,
    TOKEN_REFUSED_CODES,
    expected_outcome,
    refused_code,
)
from .conftest import CONSENT_STATES, VISITORS, apply_consent_state
from .url_names import iter_url_names, unmapped_urls
from .url_rules import URL_RULES


def _is_record_view(url_rule):
    """A page that shows a record (not a form to change it) must audit who looked."""
    return url_rule.method == "get" and url_rule.needs[0][1] == Action.VIEW


def check_cell(client, seed, url_name, visitor):
    """Request one URL as one visitor and assert what the policy says must happen."""
    url_rule = URL_RULES[url_name]
    user = seed.users.get(visitor)
    if user is not None:
        client.force_login(user)
    url = reverse(url_name, kwargs=url_rule.kwargs(seed))
    response = getattr(client, url_rule.method)(url)
    expected = expected_outcome(url_rule, user, seed)
    code = response.status_code
    cell = f"{visitor} {url_rule.method.upper()} {url_name}: expected {expected}, got {code}"
    assert response.has_header("Content-Security-Policy"), f"{cell}: no CSP header"
    assert response.get("X-Frame-Options") == "DENY", f"{cell}: no X-Frame-Options"
    login_url = reverse("accounts:login")
    if expected == ALLOWED:
        allowed = {200, 302} | ({400} if url_rule.method == "post" else set())
        assert code in allowed, cell
        if code == 302 and url_rule.access != PUBLIC and not url_rule.ends_signed_out:
            assert not response.url.startswith(login_url), cell
    elif expected == TO_SIGN_IN:
        assert code == 302, cell
        assert response.url.startswith(login_url), cell
    elif expected == REFUSED_WITHOUT_TOKEN:
        assert code in TOKEN_REFUSED_CODES, cell  # no session opens it, not even signed in
    elif expected == REFUSED_WITHOUT_CLIENT_TOKEN:
        assert code in API_REFUSED_CODES, cell  # the API: a client's token, never a session
    else:
        if code == 302 and not response.url.startswith(login_url):
            # Refused by way of another page (a role sent to the summary it may not see
            # either): follow once; that page must refuse.
            response = client.get(response.url)
            code = response.status_code
            cell = f"{cell} (after redirect: {code})"
        assert code == refused_code(url_rule, user), f"{cell}, not {refused_code(url_rule, user)}"
    if code == 200 and url_rule.obj is not None and _is_record_view(url_rule):
        assert AuditEvent.objects.filter(
            user=user, action__in=LOOKED_AT, person_id=seed.person.pk
        ).exists(), f"{cell}: the view of the person's record was not audited"
    if expected == REFUSED and url_rule.owner is None:
        assert AuditEvent.objects.filter(user=user, action=AuditAction.REFUSED).exists(), (
            f"{cell}: the refusal was not audited"
        )
    if expected != ALLOWED:
        body = response.content.decode(errors="replace")
        leaked = [secret for secret in seed.secrets if secret and secret in body]
        assert not leaked, f"{cell}: the response shows {leaked}"


def test_every_url_has_an_access_rule():
    missing = unmapped_urls(URL_RULES)

    assert not missing, (
        "These URLs have no entry in tests/security/url_rules.py URL_RULES. Add "
        "the policy cell (kind, action) each view enforces:\n  " + "\n  ".join(missing)
    )


def test_url_rules_name_only_existing_urls():
    names = {name for name, _route in iter_url_names()}

    assert sorted(set(URL_RULES) - names) == []


def test_url_rules_use_only_kinds_and_actions_the_policy_knows():
    known = {
        (kind, action)
        for grants in POLICY.values()
        for kind, acts in grants.items()
        for action in acts
    }

    for url_name, url_rule in URL_RULES.items():
        for need in url_rule.needs:
            assert need in known, f"{url_name} needs {need}, which no role is granted"


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize("url_name", sorted(URL_RULES))
def test_access_matrix(client, seed, url_name, visitor, caplog):
    caplog.set_level(logging.DEBUG)

    check_cell(client, seed, url_name, visitor)

    logged = "\n".join(record.getMessage() for record in caplog.records)
    leaked = [secret for secret in seed.secrets if secret in logged]
    assert not leaked, f"{visitor} {url_name}: log lines show {leaked}"


def test_access_matrix_catches_a_missing_permission_check(client, seed, monkeypatch):
    """Take the permission check out of one view: the matrix cell must fail."""
    import accounts.views

    monkeypatch.setattr(accounts.views, "require", lambda *args, **kwargs: None)

    with pytest.raises(AssertionError, match="expected refused, got 200"):
        check_cell(client, seed, "accounts:audit_search", Role.COMMISSIONER)


def test_access_matrix_catches_a_missing_scope_check(client, seed, monkeypatch):
    """Load a referral without the team scope: the outsider's cell must fail."""
    from referrals import selectors
    from referrals.models import Referral

    monkeypatch.setattr(
        selectors,
        "referral_get_for_user",
        lambda request, pk, action=Action.VIEW: Referral.objects.get(pk=pk),
    )

    with pytest.raises(AssertionError, match="expected refused, got 200"):
        check_cell(client, seed, "referrals:referral_detail", "outsider")


# Consent-gated cells -----------------------------------------------------------------------

CONSENT_KINDS = {Kind.ASSESSMENT, Kind.RECOMMENDATION}


def _policy_cells(url_rule):
    return [*url_rule.needs, *([url_rule.scope_check] if url_rule.scope_check else [])]


def is_consent_gated(url_rule, role) -> bool:
    """The role may use the URL, and whether it sees the record rests on consent to share."""
    if url_rule.access != POLICY_RULE or url_rule.obj is None:
        return False
    if url_rule.roles is not None and role not in url_rule.roles:
        return False
    grants = POLICY.get(role, {})
    if not all(action in grants.get(kind, {}) for kind, action in url_rule.needs):
        return False
    return any(
        kind in CONSENT_KINDS and grants[kind].get(action) == Scope.CASELOAD_CONSENTED
        for kind, action in _policy_cells(url_rule)
        if kind in grants
    )


CONSENT_GATED_CELLS = sorted(
    (url_name, role)
    for url_name, url_rule in URL_RULES.items()
    for role in Role.values
    if is_consent_gated(url_rule, role)
)
# Pages a role with a consent-gated scope opens whatever the consent: none may show evidence.
SUPERVISING_ROLES = sorted(
    {
        role
        for role, grants in POLICY.items()
        if any(Scope.CASELOAD_CONSENTED in acts.values() for acts in grants.values())
    }
    | {Role.PROVIDER_CLINICIAN}
)
OTHER_CELLS = sorted(
    (url_name, role)
    for url_name, url_rule in URL_RULES.items()
    for role in SUPERVISING_ROLES
    if url_rule.access == POLICY_RULE
    and url_rule.method == "get"
    and not is_consent_gated(url_rule, role)
)


def test_consent_gated_cells_are_the_probation_evidence_pages():
    assert CONSENT_GATED_CELLS == [
        ("assessments:assessment_detail", Role.PROBATION_OFFICER),
        ("assessments:summary", Role.PROBATION_OFFICER),
        ("treatment_requirements:recommendation_detail", Role.PROBATION_OFFICER),
        ("treatment_requirements:recommendation_print", Role.PROBATION_OFFICER),
    ]


def _shown(body, texts):
    return [text for text in texts if text in body]


def _body(response) -> str:
    """The response's text; a file download (streamed) is read through."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(errors="replace")


@pytest.mark.parametrize("consent_state", sorted(CONSENT_STATES))
@pytest.mark.parametrize(("url_name", "role"), CONSENT_GATED_CELLS)
def test_consent_gated_cell_under_each_consent_decision(
    client, seed, url_name, role, consent_state
):
    apply_consent_state(seed, consent_state)
    url_rule = URL_RULES[url_name]

    check_cell(client, seed, url_name, role)  # headers, audit, no leak when refused
    response = client.get(reverse(url_name, kwargs=url_rule.kwargs(seed)), follow=True)

    body = response.content.decode(errors="replace")
    cell = f"{role} {url_name} with consent {consent_state}: got {response.status_code}"
    if CONSENT_STATES[consent_state]:
        assert response.status_code == 200, cell
        assert _shown(body, seed.evidence), f"{cell}: the shared evidence is missing"
    else:
        # Refused (the role may see such records, so out of scope: 404) or shown without.
        assert response.status_code in (OUT_OF_SCOPE, 200), cell
        assert _shown(body, seed.evidence) == [], f"{cell}: shows {_shown(body, seed.evidence)}"
        if response.status_code != 200:
            assert _shown(body, seed.secrets) == [], cell


@pytest.mark.parametrize("consent_state", ["given", "refused", "withdrawn"])
@pytest.mark.parametrize(("url_name", "role"), OTHER_CELLS)
def test_page_shows_no_evidence_beyond_consent(client, seed, url_name, role, consent_state):
    url_rule = URL_RULES[url_name]
    apply_consent_state(seed, consent_state)
    client.force_login(seed.users[role])

    response = client.get(reverse(url_name, kwargs=url_rule.kwargs(seed)), follow=True)

    body = _body(response)
    assert _shown(body, seed.evidence) == [], f"{role} {url_name} ({consent_state})"
    sees_recommendation = role == Role.PROBATION_OFFICER and CONSENT_STATES[consent_state]
    if not sees_recommendation:
        assert seed.recommended not in body, f"{role} {url_name} ({consent_state})"
