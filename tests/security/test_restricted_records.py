"""Restricted records in the access matrix: walk every URL that takes a record's id as a
practitioner of the person's own team who is excluded from them, and as staff left out of
a restriction. Every page about the seeded person their role and team would otherwise open
must be refused (404, as for a record outside their scope; audited, nothing shown), while a
colleague, or the staff named on the restriction, keep exactly the access the policy gave
them.

The expectations come from url_rules.expected_outcome, which asks accounts.policy.may: the
test also asserts that every cell about the person flips from allowed to refused, so a
policy that stopped applying restrictions fails here (not just agrees with itself).
"""

import pytest

from accounts.enums import AuditAction, Role
from accounts.models import AuditEvent
from referrals.enums import RecordAccessKind
from referrals.models import Person, RecordAccess

from .access_rules import ALLOWED, REFUSED, expected_outcome
from .test_access_matrix import check_cell
from .url_names import iter_url_names
from .url_rules import URL_RULES

RECORD_URLS = sorted(
    name for name, route in iter_url_names() if "<int:" in route and name in URL_RULES
)


def _about_the_person(url_rule, seed) -> bool:
    if url_rule.obj is None:
        return False
    obj = url_rule.obj(seed)
    if isinstance(obj, Person):
        return obj.pk == seed.person.pk
    person_id = getattr(obj, "person_id", None)
    if person_id is None and getattr(obj, "referral_id", None):
        person_id = obj.referral.person_id
    return person_id == seed.person.pk


def _name(seed, user, kind, by):
    RecordAccess.objects.create(
        person=seed.person, user=user, kind=kind, reason="Knows them", added_by=by
    )


def _outcomes(seed, url_name, roles):
    url_rule = URL_RULES[url_name]
    return {role: expected_outcome(url_rule, seed.users[role], seed) for role in roles}


LD_ROLES = (Role.PRACTITIONER, Role.TEAM_LEAD)
ALL_ROLES = (*LD_ROLES, Role.PROBATION_OFFICER, Role.PROVIDER_CLINICIAN)


@pytest.mark.parametrize("url_name", RECORD_URLS)
def test_excluded_practitioner_is_refused_everywhere_a_colleague_is_not(client, seed, url_name):
    url_rule = URL_RULES[url_name]
    before = _outcomes(seed, url_name, LD_ROLES)
    _name(
        seed, seed.users[Role.PRACTITIONER], RecordAccessKind.EXCLUDED, seed.users[Role.TEAM_LEAD]
    )
    after = _outcomes(seed, url_name, LD_ROLES)

    assert after[Role.TEAM_LEAD] == before[Role.TEAM_LEAD], url_name
    if not _about_the_person(url_rule, seed):
        assert after == before, url_name
        return  # not about the person: the access matrix tries it
    assert after[Role.PRACTITIONER] == REFUSED, url_name
    check_cell(client, seed, url_name, Role.PRACTITIONER)
    client.logout()
    check_cell(client, seed, url_name, Role.TEAM_LEAD)


@pytest.mark.parametrize("url_name", RECORD_URLS)
def test_restricted_record_is_seen_only_by_the_named_staff(client, seed, url_name):
    url_rule = URL_RULES[url_name]
    before = _outcomes(seed, url_name, ALL_ROLES)
    lead = seed.users[Role.TEAM_LEAD]
    _name(seed, lead, RecordAccessKind.ALLOWED, lead)
    after = _outcomes(seed, url_name, ALL_ROLES)

    about = _about_the_person(url_rule, seed)
    for role in ALL_ROLES:
        if role == Role.TEAM_LEAD or not about:
            assert after[role] == before[role], (url_name, role)
        else:
            assert after[role] == REFUSED, (url_name, role)
    if not about:
        return
    for role in ALL_ROLES:
        check_cell(client, seed, url_name, role)
        client.logout()


def test_the_walk_flips_the_record_pages(seed):
    """Not vacuous: the pages about the person the practitioner opens are many, and each
    kind of record is among them."""
    flipped = []
    for url_name in RECORD_URLS:
        url_rule = URL_RULES[url_name]
        practitioner = seed.users[Role.PRACTITIONER]
        allowed = expected_outcome(url_rule, practitioner, seed) == ALLOWED
        if allowed and _about_the_person(url_rule, seed):
            flipped.append(url_name)
    apps = {name.split(":")[0] for name in flipped}

    assert len(flipped) >= 40
    assert {"referrals", "assessments", "treatment_requirements", "risks"} <= apps
    assert {"contact_log", "documents"} <= apps


@pytest.mark.parametrize(
    ("url_name", "kind", "reason"),
    [
        ("referrals:person_detail", RecordAccessKind.EXCLUDED, "excluded"),
        ("referrals:referral_detail", RecordAccessKind.EXCLUDED, "excluded"),
        ("treatment_requirements:order_detail", RecordAccessKind.ALLOWED, "restricted"),
        ("referrals:person_detail", RecordAccessKind.ALLOWED, "restricted"),
    ],
)
def test_refusal_is_audited_with_its_reason_code(client, seed, url_name, kind, reason):
    from django.urls import reverse

    practitioner, lead = seed.users[Role.PRACTITIONER], seed.users[Role.TEAM_LEAD]
    _name(seed, practitioner if kind == RecordAccessKind.EXCLUDED else lead, kind, lead)
    client.force_login(practitioner)

    response = client.get(reverse(url_name, kwargs=URL_RULES[url_name].kwargs(seed)))

    assert response.status_code == 404
    refusal = AuditEvent.objects.filter(user=practitioner, action=AuditAction.REFUSED).last()
    assert refusal.detail.endswith(f" {reason}")
    assert all(secret not in refusal.detail for secret in seed.secrets)
