"""The access matrix: every URL x every role, generated from accounts.policy.POLICY.

For each URL pattern in the project (found by walking the URL resolver), URL_RULES says
which (record kind, action) pairs of the policy the view must enforce, and how to build
its URL from seeded data. Each role then requests it:

- a role the policy allows, for a record inside its scope, gets 200/302 (400 for a POST
  with an empty form: the view ran and refused the input, not the user);
- a role the policy refuses, or a record outside the role's scope, gets 403 or 404, and the
  body holds none of the seeded person's name or NHS number;
- a signed-out visitor is sent to the sign-in page.

`test_every_url_has_an_access_rule` fails for a URL with no entry in URL_RULES: map each
new URL here with the policy cell its view enforces (that is the review of the view).

Consent-gated cells (a role whose scope for the record is CASELOAD_CONSENTED) are tried
again under each consent decision of conftest.CONSENT_STATES, with expectations that do not
ask the scope being tested: under a decision that does not share with probation the page
is refused, or shows none of the assessment's evidence; under one that does, it shows it.
Every other page a supervising role can open is checked never to show that evidence.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.audit import LOOKED_AT
from accounts.enums import AuditAction, Role
from accounts.models import AuditEvent
from accounts.policy import POLICY, Action, Kind, Scope, may, permits

from .conftest import CONSENT_STATES, VISITORS, apply_consent_state

PUBLIC = "public"  # reachable signed out (sign-in page, health check)
SIGNED_IN = "signed_in"  # any signed-in user; shows only their own account data
POLICY_RULE = "policy"  # allowed exactly where accounts.policy allows

ALLOWED, REFUSED, TO_SIGN_IN = "allowed", "refused", "to sign-in"
REFUSED_CODES = {403, 404}


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


def _referral(seed):
    return {"pk": seed.referral.pk}


def _person(seed):
    return {"pk": seed.person.pk}


def _risk_person(seed):
    return {"person_pk": seed.person.pk}


def _staff_pk(seed):
    return {"pk": seed.users[Role.PRACTITIONER].pk}


def _team_pk(seed):
    return {"pk": seed.users[Role.PRACTITIONER].team_id}


def _site_pks(seed):
    team = seed.users[Role.PRACTITIONER].team
    site = team.sites.first() or team.sites.create(
        name="Matrix custody suite", kind="custody_suite"
    )
    return {"pk": team.pk, "site_pk": site.pk}


def rule(kind, action, **extra):
    return Rule(needs=((kind, action),), **extra)


LD_TEAM = frozenset({Role.PRACTITIONER, Role.TEAM_LEAD})


def _pk(attribute):
    return lambda seed: {"pk": getattr(seed, attribute).pk}


def _on_referral(get_referral):
    """Work on a referral: the referral must be one the visitor may see."""
    return {
        "kwargs": lambda seed: {"referral_pk": get_referral(seed).pk},
        "obj": get_referral,
        "scope_check": (Kind.REFERRAL, Action.VIEW),
    }


def _on_recommendation():
    return {"kwargs": _pk("recommendation"), "obj": lambda seed: seed.recommendation}


def _on_order(**related):
    """An order's page; `related` maps URL kwargs to seed attributes (appointment_pk=...)."""

    def kwargs(seed):
        return {"pk": seed.order.pk} | {
            name: getattr(seed, attribute).pk for name, attribute in related.items()
        }

    return {"kwargs": kwargs, "obj": lambda seed: seed.order}


_order_referral = {"kwargs": lambda seed: {"pk": seed.order.referral_id}, "obj": lambda s: s.order}


URL_RULES: dict[str, Rule] = {
    "healthz": Rule(access=PUBLIC),
    "accessibility": Rule(access=PUBLIC),
    # accounts
    "accounts:login": Rule(access=PUBLIC),
    "accounts:home": Rule(access=SIGNED_IN),
    "accounts:logout": Rule(access=SIGNED_IN, method="post", ends_signed_out=True),
    "accounts:keep_alive": Rule(access=SIGNED_IN),
    "accounts:password_change": Rule(access=SIGNED_IN),
    "accounts:two_factor_verify": Rule(access=SIGNED_IN),
    "accounts:two_factor_enrol": Rule(access=SIGNED_IN),
    "accounts:audit_search": rule(Kind.AUDIT, Action.VIEW),
    "accounts:audit_person": rule(
        Kind.AUDIT, Action.VIEW, kwargs=lambda seed: {"person_id": seed.person.pk}
    ),
    # accounts: the administration screens (staff accounts, teams and sites)
    "accounts:admin_user_list": rule(Kind.ACCOUNTS, Action.VIEW),
    "accounts:admin_user_create": rule(Kind.ACCOUNTS, Action.CREATE),
    "accounts:admin_user_detail": rule(Kind.ACCOUNTS, Action.VIEW, kwargs=_staff_pk),
    "accounts:admin_user_role_team": rule(Kind.ACCOUNTS, Action.CHANGE, kwargs=_staff_pk),
    "accounts:admin_user_active": rule(
        Kind.ACCOUNTS, Action.CHANGE, kwargs=_staff_pk, method="post"
    ),
    "accounts:admin_user_two_factor_required": rule(Kind.ACCOUNTS, Action.CHANGE, kwargs=_staff_pk),
    "accounts:admin_user_two_factor_reset": rule(
        Kind.ACCOUNTS, Action.CHANGE, kwargs=_staff_pk, method="post"
    ),
    "accounts:admin_team_list": rule(Kind.TEAMS, Action.VIEW),
    "accounts:admin_team_create": rule(Kind.TEAMS, Action.CREATE, method="post"),
    "accounts:admin_team_detail": rule(Kind.TEAMS, Action.VIEW, kwargs=_team_pk),
    "accounts:admin_team_rename": rule(Kind.TEAMS, Action.CHANGE, kwargs=_team_pk),
    "accounts:admin_team_active": rule(Kind.TEAMS, Action.CHANGE, kwargs=_team_pk, method="post"),
    "accounts:admin_site_create": rule(Kind.TEAMS, Action.CREATE, kwargs=_team_pk),
    "accounts:admin_site_rename": rule(Kind.TEAMS, Action.CHANGE, kwargs=_site_pks),
    "accounts:admin_site_active": rule(Kind.TEAMS, Action.CHANGE, kwargs=_site_pks, method="post"),
    # referrals
    "referrals:my_work": rule(Kind.REFERRAL, Action.VIEW),
    "referrals:my_work_new_to_me": rule(Kind.REFERRAL, Action.VIEW),
    "referrals:referral_list": rule(Kind.REFERRAL, Action.VIEW),
    "referrals:intake": Rule(needs=((Kind.REFERRAL, Action.CREATE), (Kind.PERSON, Action.CREATE))),
    "referrals:referral_detail": rule(
        Kind.REFERRAL, Action.VIEW, kwargs=_referral, obj=lambda s: s.referral
    ),
    "referrals:referral_edit": rule(
        Kind.REFERRAL, Action.CHANGE, kwargs=_referral, obj=lambda s: s.referral
    ),
    "referrals:referral_transition": rule(
        Kind.REFERRAL, Action.CHANGE, kwargs=_referral, obj=lambda s: s.referral, method="post"
    ),
    "referrals:referral_bulk_allocate": rule(Kind.REFERRAL, Action.ALLOCATE, method="post"),
    "referrals:referral_assign": rule(
        Kind.REFERRAL, Action.CHANGE, kwargs=_referral, obj=lambda s: s.referral, method="post"
    ),
    "referrals:referral_transfer": rule(
        Kind.REFERRAL, Action.TRANSFER, kwargs=_referral, obj=lambda s: s.referral
    ),
    "referrals:person_detail": rule(
        Kind.PERSON, Action.VIEW, kwargs=_person, obj=lambda s: s.person
    ),
    "referrals:person_edit": rule(
        Kind.PERSON, Action.CHANGE, kwargs=_person, obj=lambda s: s.person
    ),
    "referrals:subject_access": rule(
        Kind.PERSON, Action.EXPORT, kwargs=_person, obj=lambda s: s.person
    ),
    "referrals:subject_access_json": rule(
        Kind.PERSON, Action.EXPORT, kwargs=_person, obj=lambda s: s.person
    ),
    # risks: the person's risk register (flags seen by every role that sees the person;
    # raised, reviewed and removed by the person's L&D teams)
    "risks:register": rule(Kind.RISK, Action.VIEW, kwargs=_risk_person, obj=lambda s: s.risk_flag),
    "risks:flag_raise": rule(
        Kind.RISK, Action.CREATE, kwargs=_risk_person, obj=lambda s: s.risk_flag
    ),
    "risks:flag_review": rule(
        Kind.RISK, Action.CHANGE, kwargs=_pk("risk_flag"), obj=lambda s: s.risk_flag
    ),
    "risks:flag_remove": rule(
        Kind.RISK, Action.CHANGE, kwargs=_pk("risk_flag"), obj=lambda s: s.risk_flag
    ),
    # assessments: work on a referral is for the person's own L&D team only
    "assessments:screening": rule(
        Kind.ASSESSMENT, Action.CREATE, roles=LD_TEAM, **_on_referral(lambda s: s.referral)
    ),
    "assessments:assessment_start": rule(
        Kind.ASSESSMENT,
        Action.CREATE,
        roles=LD_TEAM,
        method="post",
        **_on_referral(lambda s: s.referral),
    ),
    "assessments:autosave": rule(
        Kind.ASSESSMENT,
        Action.CHANGE,
        roles=LD_TEAM,
        method="post",
        kwargs=lambda s: {"referral_pk": s.referral.pk, "step": "screening"},
        obj=lambda s: s.referral,
        scope_check=(Kind.REFERRAL, Action.VIEW),
    ),
    "assessments:consent_record": rule(
        Kind.ASSESSMENT, Action.CHANGE, roles=LD_TEAM, **_on_referral(lambda s: s.signed.referral)
    ),
    "assessments:onward_record": rule(
        Kind.ASSESSMENT, Action.CHANGE, roles=LD_TEAM, **_on_referral(lambda s: s.signed.referral)
    ),
    "assessments:consent_withdraw": rule(
        Kind.ASSESSMENT,
        Action.CHANGE,
        roles=LD_TEAM,
        kwargs=lambda s: {"pk": s.consent.pk},
        obj=lambda s: s.signed.referral,
        scope_check=(Kind.REFERRAL, Action.VIEW),
    ),
    "assessments:onward_outcome": rule(
        Kind.ASSESSMENT,
        Action.CHANGE,
        roles=LD_TEAM,
        kwargs=lambda s: {"pk": s.onward.pk},
        obj=lambda s: s.signed.referral,
        scope_check=(Kind.REFERRAL, Action.VIEW),
    ),
    "assessments:assessment_detail": rule(
        Kind.ASSESSMENT, Action.VIEW, kwargs=_pk("signed"), obj=lambda s: s.signed
    ),
    "assessments:section": rule(
        Kind.ASSESSMENT,
        Action.CHANGE,
        kwargs=lambda s: {"pk": s.draft.pk, "key": "presenting"},
        obj=lambda s: s.draft,
    ),
    "assessments:instrument": rule(
        Kind.ASSESSMENT,
        Action.CHANGE,
        kwargs=lambda s: {"pk": s.draft.pk, "slug": "phq-9"},
        obj=lambda s: s.draft,
    ),
    "assessments:instrument_discard": rule(
        Kind.ASSESSMENT,
        Action.CHANGE,
        kwargs=lambda s: {"pk": s.draft.pk, "slug": "phq-9"},
        obj=lambda s: s.draft,
        method="post",
    ),
    "assessments:sign": rule(
        Kind.ASSESSMENT, Action.SIGN, kwargs=_pk("draft"), obj=lambda s: s.draft
    ),
    "assessments:addendum": rule(
        Kind.ASSESSMENT, Action.CHANGE, kwargs=_pk("signed"), obj=lambda s: s.signed
    ),
    "assessments:summary": rule(
        Kind.ASSESSMENT, Action.VIEW, kwargs=_pk("signed"), obj=lambda s: s.signed
    ),
    # treatment requirements
    "treatment_requirements:caseload": rule(Kind.ORDER, Action.VIEW),
    "treatment_requirements:caseload_orders": rule(Kind.ORDER, Action.VIEW),
    "treatment_requirements:caseload_week": rule(Kind.ORDER, Action.VIEW),
    "treatment_requirements:caseload_new_to_me": rule(Kind.ORDER, Action.VIEW),
    "treatment_requirements:caseload_due": rule(
        Kind.ORDER, Action.VIEW, kwargs=lambda s: {"name": "outcomes_due"}
    ),
    "treatment_requirements:caseload_week_due": rule(
        Kind.ORDER, Action.VIEW, kwargs=lambda s: {"name": "enforcement"}
    ),
    # the team workload: figures per member of the user's own team (policy Kind.WORKLOAD)
    "treatment_requirements:team_workload": rule(Kind.WORKLOAD, Action.VIEW),
    "treatment_requirements:recommendation_new": rule(
        Kind.RECOMMENDATION,
        Action.CREATE,
        roles=LD_TEAM,
        kwargs=lambda s: {"assessment_pk": s.signed.pk},
        obj=lambda s: s.signed,
        scope_check=(Kind.ASSESSMENT, Action.VIEW),
    ),
    "treatment_requirements:recommendation_detail": rule(
        Kind.RECOMMENDATION, Action.VIEW, **_on_recommendation()
    ),
    "treatment_requirements:requirement_checklist": rule(
        Kind.RECOMMENDATION,
        Action.CHANGE,
        roles=LD_TEAM,
        kwargs=lambda s: {"pk": s.recommendation.pk, "requirement_pk": s.proposed.pk},
        obj=lambda s: s.recommendation,
    ),
    "treatment_requirements:recommendation_ready": rule(
        Kind.RECOMMENDATION, Action.CHANGE, roles=LD_TEAM, method="post", **_on_recommendation()
    ),
    "treatment_requirements:recommendation_print": rule(
        Kind.RECOMMENDATION, Action.VIEW, **_on_recommendation()
    ),
    "treatment_requirements:court_outcome_new": rule(
        Kind.ORDER,
        Action.CREATE,
        roles=LD_TEAM,
        scope_check=(Kind.RECOMMENDATION, Action.VIEW),
        **_on_recommendation(),
    ),
    "treatment_requirements:order_detail": rule(Kind.ORDER, Action.VIEW, **_on_order()),
    "treatment_requirements:appointment_new": rule(Kind.ORDER, Action.CHANGE, **_on_order()),
    "treatment_requirements:appointment_outcome": rule(
        Kind.ORDER, Action.CHANGE, **_on_order(appointment_pk="appointment")
    ),
    "treatment_requirements:appointment_reschedule": rule(
        Kind.ORDER, Action.CHANGE, **_on_order(appointment_pk="appointment")
    ),
    "treatment_requirements:failure_action": rule(
        Kind.ORDER, Action.ENFORCE, **_on_order(failure_pk="failure")
    ),
    "treatment_requirements:warning_letter": rule(
        Kind.ORDER, Action.VIEW, **_on_order(warning_pk="warning")
    ),
    "treatment_requirements:breach_outcome": rule(
        Kind.ORDER, Action.ENFORCE, **_on_order(breach_pk="breach")
    ),
    "treatment_requirements:drug_test_new": rule(Kind.ORDER, Action.CHANGE, **_on_order()),
    "treatment_requirements:review_new": rule(Kind.ORDER, Action.CHANGE, **_on_order()),
    "treatment_requirements:review_report": rule(
        Kind.ORDER, Action.CHANGE, **_on_order(review_pk="review")
    ),
    "treatment_requirements:review_held": rule(
        Kind.ORDER, Action.CHANGE, **_on_order(review_pk="review")
    ),
    "treatment_requirements:measure_new": rule(Kind.ORDER, Action.CHANGE, **_on_order()),
    "treatment_requirements:order_reallocate": rule(Kind.ORDER, Action.ALLOCATE, **_on_order()),
    "treatment_requirements:orders_bulk_reallocate": rule(
        Kind.ORDER, Action.ALLOCATE, method="post"
    ),
    "treatment_requirements:order_terminate": rule(Kind.ORDER, Action.ENFORCE, **_on_order()),
    "treatment_requirements:order_terminate_confirm": rule(
        Kind.ORDER, Action.ENFORCE, **_on_order()
    ),
    # Reoffending follow-up is the referral's, held through its order once one was made
    # (tried here: the order's referral); the L&D team holds it for a referral with no order
    # (tried in tests/treatment_requirements/test_reoffending.py).
    "treatment_requirements:reoffending_new": rule(Kind.ORDER, Action.ENFORCE, **_order_referral),
    "treatment_requirements:reoffending_check": rule(Kind.ORDER, Action.ENFORCE, **_order_referral),
    # contact log: the person's log and the add form need the person in scope; a contact
    # is its author team's (TEAM for L&D, CASELOAD for probation: contact_log/scopes.py)
    "contact_log:contact_log": rule(
        Kind.CONTACT,
        Action.VIEW,
        kwargs=_person,
        obj=lambda s: s.person,
        scope_check=(Kind.PERSON, Action.VIEW),
    ),
    "contact_log:contact_new": rule(
        Kind.CONTACT,
        Action.CREATE,
        kwargs=_person,
        obj=lambda s: s.person,
        scope_check=(Kind.PERSON, Action.VIEW),
    ),
    "contact_log:contact_detail": rule(
        Kind.CONTACT, Action.VIEW, kwargs=_pk("contact"), obj=lambda s: s.contact
    ),
    "contact_log:contact_addendum": rule(
        Kind.CONTACT, Action.CHANGE, kwargs=_pk("contact"), obj=lambda s: s.contact
    ),
    "contact_log:contact_in_error": rule(
        Kind.CONTACT, Action.CHANGE, kwargs=_pk("contact"), obj=lambda s: s.contact
    ),
    "contact_log:contact_restrict": rule(
        Kind.CONTACT, Action.CHANGE, kwargs=_pk("contact"), obj=lambda s: s.contact
    ),
    "contact_log:contact_review": rule(
        Kind.CONTACT, Action.CHANGE, kwargs=_pk("contact"), obj=lambda s: s.contact
    ),
    # documents: the person's list and the upload form are about the person (whom the
    # visitor must be able to see); download and removal are about the document itself.
    "documents:person_documents": rule(
        Kind.DOCUMENT,
        Action.VIEW,
        kwargs=_person,
        obj=lambda s: s.person,
        scope_check=(Kind.PERSON, Action.VIEW),
    ),
    "documents:document_upload": rule(
        Kind.DOCUMENT,
        Action.CREATE,
        kwargs=_person,
        obj=lambda s: s.person,
        scope_check=(Kind.PERSON, Action.VIEW),
    ),
    "documents:document_download": rule(
        Kind.DOCUMENT, Action.VIEW, kwargs=_pk("document"), obj=lambda s: s.document
    ),
    "documents:document_remove": rule(
        Kind.DOCUMENT, Action.CHANGE, kwargs=_pk("document"), obj=lambda s: s.document
    ),
    # reporting: aggregate figures only
    "reporting:dashboard": rule(Kind.DASHBOARD, Action.VIEW),
    "reporting:board_summary": rule(Kind.DASHBOARD, Action.VIEW),
    "reporting:export_workbook": rule(Kind.DASHBOARD, Action.EXPORT),
    "reporting:export_table": rule(
        Kind.DASHBOARD, Action.EXPORT, kwargs=lambda s: {"key": "funnel", "fmt": "csv"}
    ),
    # notifications: each user's own inbox
    "notifications:inbox": Rule(access=SIGNED_IN),
    "notifications:reminder_read": Rule(
        access=SIGNED_IN,
        method="post",
        kwargs=lambda s: {"pk": s.reminder.pk},
        owner=lambda s: s.reminder.recipient,
    ),
    "notifications:read_all": Rule(access=SIGNED_IN, method="post"),
    "notifications:preference": Rule(access=SIGNED_IN, method="post"),
}

# The Django admin enforces is_staff and per-model permissions itself; only administrators
# are made staff. Its URLs are generated, so they are covered by namespace.
EXCLUDED_NAMESPACES = {"admin": "Django admin: is_staff and model permissions"}
# Apps whose screens are being built in parallel; mapped in issue 7's second pass.
PENDING_NAMESPACES: set[str] = set()  # every URL mapped (issue 7 second pass, 21:10)


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


def unmapped_urls(skip_namespaces=()):
    return sorted(
        name
        for name, _route in iter_url_names()
        if name not in URL_RULES
        and _namespace(name) not in EXCLUDED_NAMESPACES
        and _namespace(name) not in skip_namespaces
    )


def expected_outcome(url_rule, user, seed):
    if url_rule.access == PUBLIC:
        return ALLOWED
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
    else:
        if code == 302 and not response.url.startswith(login_url):
            # Refused by way of another page (a role sent to the summary it may not see
            # either): follow once; that page must refuse.
            response = client.get(response.url)
            code = response.status_code
            cell = f"{cell} (after redirect: {code})"
        assert code in REFUSED_CODES, cell
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
    missing = unmapped_urls(skip_namespaces=PENDING_NAMESPACES)

    assert not missing, (
        "These URLs have no entry in tests/security/test_access_matrix.py URL_RULES. Add "
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
        assert response.status_code in REFUSED_CODES | {200}, cell
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
