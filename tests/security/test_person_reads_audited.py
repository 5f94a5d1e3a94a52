"""Every read of a person is audited: walk every URL pattern that takes a record's id (a
person, referral, assessment, recommendation, order, contact, document...), GET it as each
visitor the policy allows, and wherever the page answers 200 showing the seeded person's
name or NHS number, the audit trail must hold a view (or export) entry by that user about
that person.

Unlike the access matrix's audit check (record views only), this asks every page, forms
and check pages included, by what it shows rather than by the policy cell it needs: the
breach outcome and reoffending pages need ENFORCE, yet show who the person is.
"""

import pytest
from django.urls import reverse

from accounts.audit import LOOKED_AT
from accounts.enums import Role
from accounts.models import AuditEvent
from contact_log.enums import RestrictionReason
from contact_log.models import Contact
from contact_log.services import contact_restrict
from treatment_requirements.enums import TerminationReason

from .access_rules import ALLOWED, expected_outcome
from .conftest import VISITORS
from .url_names import iter_url_names
from .url_rules import URL_RULES

# URL patterns that take an id: the ones that can show one person's record. (Lists, the
# caseload's due lists by name included, are audited as the list opened: no one person.)
RECORD_URLS = sorted(
    name for name, route in iter_url_names() if "<int:" in route and name in URL_RULES
)


def _restricted_contact(client, seed):
    """The restriction's review page opens only for a restricted note."""
    contact = Contact.objects.get(pk=seed.contact.pk)
    if not contact.is_withheld:
        contact_restrict(
            contact=contact,
            expected_version=contact.version,
            reason=RestrictionReason.THIRD_PARTY,
            by=seed.users[Role.PRACTITIONER],
        )


def _ending_typed(client, seed):
    """The check page of ending an order opens only once the ending has been typed."""
    session = client.session
    session[f"order_end:{seed.order.pk}"] = {
        "reason": TerminationReason.COMPLETED,
        "terminated_on": seed.order.start_date.isoformat(),
        "notes": "",
        "version": seed.order.version,
    }
    session.save()


# Pages that show only in a state the seed does not hold: put the record (or the visitor's
# session) in it first.
PREPARE = {
    "contact_log:contact_review": _restricted_contact,
    "treatment_requirements:order_terminate_confirm": _ending_typed,
}
# Pages known to show the seeded person to someone: the walk must reach them (else it
# proves nothing), including the three the IT health check found unaudited.
MUST_BE_CHECKED = {
    "referrals:person_detail",
    "referrals:referral_detail",
    "treatment_requirements:order_detail",
    "treatment_requirements:breach_outcome",
    "treatment_requirements:reoffending_new",
    "treatment_requirements:reoffending_check",
    "treatment_requirements:order_terminate_confirm",
}


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode(errors="replace")


def _shows_person(body, person) -> bool:
    shown = (person.family_name, person.full_name, person.nhs_number, person.nhs_number_display)
    return any(text and text in body for text in shown)


def read(client, seed, url_name, visitor) -> tuple[int | None, bool, bool]:
    """GET the URL as `visitor` where the policy allows them: (status, whether the page
    shows the seeded person, whether that user's view of the person was audited). The
    status is None where the policy refuses them (the access matrix tries those)."""
    url_rule = URL_RULES[url_name]
    user = seed.users.get(visitor)
    if user is None or expected_outcome(url_rule, user, seed) != ALLOWED:
        return None, False, False
    client.force_login(user)
    if prepare := PREPARE.get(url_name):
        prepare(client, seed)
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = client.get(reverse(url_name, kwargs=url_rule.kwargs(seed)))
    client.logout()
    shown = response.status_code == 200 and _shows_person(_body(response), seed.person)
    audited = AuditEvent.objects.filter(
        id__gt=before, user=user, action__in=LOOKED_AT, person_id=seed.person.pk
    ).exists()
    return response.status_code, shown, audited


@pytest.mark.parametrize("url_name", RECORD_URLS)
def test_every_page_showing_a_person_audits_the_read(client, seed, url_name):
    unaudited = []
    for visitor in VISITORS:
        _status, shown, audited = read(client, seed, url_name, visitor)
        if shown and not audited:
            unaudited.append(visitor)

    assert unaudited == [], f"GET {url_name} showed the person unaudited to {unaudited}"


def test_the_walk_reaches_the_pages_that_show_a_person(client, seed):
    """The walk is not vacuous: it finds the person on their record and on the enforcement
    and reoffending pages, and opens the pages it must prepare."""
    shown_on, opened = set(), set()
    for url_name in sorted(MUST_BE_CHECKED | set(PREPARE)):
        for visitor in VISITORS:
            status, shown, _audited = read(client, seed, url_name, visitor)
            if shown:
                shown_on.add(url_name)
            if status == 200:
                opened.add(url_name)

    assert shown_on >= MUST_BE_CHECKED
    assert opened >= set(PREPARE)


def test_the_walk_catches_a_view_that_stops_auditing(client, seed, monkeypatch):
    """Take the audit call out of the person's page: the walk must see it."""
    import referrals.views.person

    monkeypatch.setattr(referrals.views.person, "audit_view", lambda *args, **kwargs: None)

    assert read(client, seed, "referrals:person_detail", Role.PRACTITIONER) == (200, True, False)
