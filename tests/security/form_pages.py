"""Finding the input a page takes, for the form fuzz (test_form_fuzz.py).

`open_page` opens a page of the access matrix's URL_RULES as the first of
PREFERRED_VISITORS the policy allows (following redirects), after the page's opening step
in OPENING_STEPS if it has one, and returns its POST forms (with the fields, the values on
offer and the values filled in) and its queries: every GET form, every query parameter of a
link back to the page, and every query parameter the view read while rendering it (found
by watching request.GET). A page with no POST form but links to itself with a query string
(a chooser) is opened through each of those links and their POST forms are collected.
"""

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import django.core.handlers.wsgi
from django.http import QueryDict
from django.urls import resolve, reverse
from django.utils import timezone

from accounts.enums import Role

from .access_rules import ALLOWED, PUBLIC, expected_outcome
from .url_rules import URL_RULES

# Forms that end the session or whose success has effects outside the data (sign-out).
SKIP_ACTIONS = {reverse("accounts:logout")}
# Who opens each page: the first of these the policy allows.
PREFERRED_VISITORS = [
    Role.TEAM_LEAD,
    Role.PRACTITIONER,
    Role.ADMINISTRATOR,
    Role.PROBATION_OFFICER,
    Role.PROVIDER_CLINICIAN,
    Role.COMMISSIONER,
]


# A field that holds a date, a time or a number (single or split into boxes).
_TYPED_NAME = re.compile(
    r"(date|_on|_from|_to|_at|time|months|count|length|duration|total|version|since|after"
    r"|before|week|page)(_[0-2])?$"
)


@dataclass
class Form:
    action: str  # path and query string
    method: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> values on offer
    initial: dict[str, str] = field(default_factory=dict)  # as the page filled it in
    typed: set[str] = field(default_factory=set)  # date, time and number fields


class _PageParser(HTMLParser):
    """Collect each <form> (its fields, the values on offer, the values filled in) and the
    href of every link with a query string."""

    def __init__(self):
        super().__init__()
        self.forms, self.links = [], []
        self._form = self._field = self._name = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "?" in (attrs.get("href") or ""):
            self.links.append(attrs["href"])
        if tag == "form":
            method = (attrs.get("method") or "get").lower()
            self._form = Form(action=attrs.get("action") or "", method=method)
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "option" and self._field is not None and attrs.get("value") is not None:
            self._field.append(attrs["value"])
            if "selected" in attrs:
                self._form.initial[self._name] = attrs["value"]
        elif tag in {"input", "select", "textarea"} and attrs.get("name"):
            self._start_field(tag, attrs)

    def _start_field(self, tag, attrs):
        name, value, kind = attrs["name"], attrs.get("value"), attrs.get("type", "text")
        self._name, self._field = name, self._form.fields.setdefault(name, [])
        self._textarea = name if tag == "textarea" else None
        if tag == "input" and value is not None and kind != "submit":
            self._field.append(value)
            if kind not in {"radio", "checkbox"} or "checked" in attrs:
                self._form.initial.setdefault(name, value)
        numeric = attrs.get("inputmode") in {"numeric", "decimal"}
        if numeric or kind in {"number", "date", "time"} or _TYPED_NAME.search(name):
            self._form.typed.add(name)

    def handle_data(self, data):
        if self._form is not None and self._textarea is not None:
            self._form.initial[self._textarea] = self._form.initial.get(self._textarea, "") + data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        if tag == "form":
            self._form = self._field = None


def _path_and_query(url):
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def find_forms(page_url, html):
    """The page's forms (actions made absolute, query strings kept) and its links."""
    parser = _PageParser()
    parser.feed(html)
    for form in parser.forms:
        form.action = _path_and_query(urljoin(page_url, form.action))
    forms = [form for form in parser.forms if urlsplit(form.action).path not in SKIP_ACTIONS]
    return forms, [urljoin(page_url, link) for link in parser.links]


class _WatchedQueryDict(QueryDict):
    """request.GET that notes every key a view (or its form) asks for."""

    read: set[str] | None = None

    def _note(self, key):
        if _WatchedQueryDict.read is not None:
            _WatchedQueryDict.read.add(key)

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self._note(key)
        return super().__contains__(key)

    def getlist(self, key, default=None):
        self._note(key)
        return super().getlist(key, default)


@contextlib.contextmanager
def query_keys_read():
    """The set of request.GET keys looked up by the views run inside the block."""
    keys = set()
    original = django.core.handlers.wsgi.QueryDict
    django.core.handlers.wsgi.QueryDict, _WatchedQueryDict.read = _WatchedQueryDict, keys
    try:
        yield keys
    finally:
        django.core.handlers.wsgi.QueryDict, _WatchedQueryDict.read = original, None


@dataclass
class Page:
    url_name: str
    landed_on: str  # the URL name of the page shown after redirects
    post_forms: list[Form]
    queries: dict[str, Form]  # path -> its GET parameters (forms, links, keys read)

    def takes_input(self):
        return bool(self.post_forms or self.queries)


def _html(response):
    is_html = response["Content-Type"].startswith("text/html")
    return response.content.decode() if response.status_code == 200 and is_html else ""


def _read_page(client, url):
    """(final URL, forms, links, GET keys read) of a page opened following redirects."""
    with query_keys_read() as keys:
        response = client.get(url, follow=True)
    assert response.status_code < 500
    final = urljoin(url, response.redirect_chain[-1][0]) if response.redirect_chain else url
    forms, links = find_forms(final, _html(response))
    return final, forms, links, keys


PROBE = "fuzz-probe"


def _keys_read_when_bound(client, url):
    """Open the page again with a query string: a view binds its form to request.GET only
    when there is one (`Form(request.GET or None)`), and only then asks for its fields."""
    separator = "&" if "?" in url else "?"
    return _read_page(client, f"{url}{separator}{PROBE}=1")[3] - {PROBE}


def open_page(client, seed, url_name) -> Page:
    url_rule = URL_RULES[url_name]
    user = None if url_rule.access == PUBLIC else _visitor_for(url_rule, seed)
    if user is not None:
        client.force_login(user)
    OPENING_STEPS.get(url_name, lambda client, seed, user: None)(client, seed, user)
    final, forms, links, keys = _read_page(client, reverse(url_name, kwargs=url_rule.kwargs(seed)))
    keys |= _keys_read_when_bound(client, final)
    path = urlsplit(final).path
    own_links = [link for link in links if urlsplit(link).path == path]
    post_forms = [form for form in forms if form.method == "post"]
    if not post_forms:  # a chooser: the POST form is one link further
        for link in own_links:
            _url, link_forms, _links, link_keys = _read_page(client, link)
            post_forms += [form for form in link_forms if form.method == "post"]
            keys |= link_keys | _keys_read_when_bound(client, link)
    queries = {}
    for form in forms:
        if form.method == "get":
            _merge(queries, urlsplit(form.action).path, form.fields)
    for link in own_links:
        _merge(queries, path, _offered(parse_qsl(urlsplit(link).query, keep_blank_values=True)))
    if keys:
        _merge(queries, path, {key: [] for key in keys})
    return Page(url_name, resolve(path).view_name, post_forms, queries)


def _offered(pairs):
    offered = {}
    for name, value in pairs:
        offered.setdefault(name, []).append(value)
    return offered


def _merge(queries, path, fields):
    target = queries.setdefault(path, Form(action=path, method="get"))
    for name, values in fields.items():
        target.fields.setdefault(name, [])
        target.fields[name] += [value for value in values if value not in target.fields[name]]


# What a user does before the form appears. Each takes (client, seed, visitor).
def _confirmed_authenticator(client, seed, user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def _checked_ending(client, seed, user):
    """The terminate check passed (after the court's outcome on the pending breach)."""
    from treatment_requirements.enums import BreachOutcome, TerminationReason

    seed.breach.__class__.objects.filter(pk=seed.breach.pk).update(outcome=BreachOutcome.CONTINUED)
    seed.order.refresh_from_db()
    response = client.post(
        reverse("treatment_requirements:order_terminate", args=[seed.order.pk]),
        {
            "version": seed.order.version,
            "reason": TerminationReason.REVOKED_GOOD_PROGRESS,
            "terminated_on": f"{timezone.localdate():%d/%m/%Y}",
            "notes": "",
        },
    )
    assert response.status_code == 302, "the terminate check refused the ending"


def _restricted_by_another(client, seed, user):
    """The seeded contact restricted by its author, so the visitor (the team lead) reviews."""
    from contact_log.enums import RestrictionReason
    from contact_log.services import contact_restrict

    contact_restrict(
        contact=seed.contact,
        expected_version=seed.contact.version,
        reason=RestrictionReason.THIRD_PARTY,
        by=seed.users[Role.PRACTITIONER],
    )
    assert user != seed.users[Role.PRACTITIONER]


def _complete_draft(client, seed, user):
    """The draft assessment with every section, its instrument finished, and consent."""
    from assessments.enums import ConsentKind
    from tests.assessments.factories import COMPLETE_SECTIONS, ConsentFactory

    seed.draft.__class__.objects.filter(pk=seed.draft.pk).update(**COMPLETE_SECTIONS)
    seed.instrument.__class__.objects.filter(pk=seed.instrument.pk).update(
        is_complete=True, answers=[1, 1, 1, 1, 1, 1, 1, 1, 0], total=8, band="mild"
    )
    ConsentFactory(
        referral=seed.draft.referral,
        kind=ConsentKind.TO_BE_ASSESSED,
        recorded_by=seed.users[Role.PRACTITIONER],
    )


def _reminder_for_visitor(client, seed, user):
    """A reminder of the visitor's own: the inbox shows its buttons (read, read all)."""
    from tests.notifications.factories import ReminderFactory

    ReminderFactory(recipient=user)


OPENING_STEPS: dict[str, Callable] = {
    "notifications:inbox": _reminder_for_visitor,
    "accounts:two_factor_verify": _confirmed_authenticator,
    "treatment_requirements:order_terminate_confirm": _checked_ending,
    "contact_log:contact_review": _restricted_by_another,
    "assessments:sign": _complete_draft,
}


def _visitor_for(url_rule, seed):
    for role in PREFERRED_VISITORS:
        if expected_outcome(url_rule, seed.users[role], seed) == ALLOWED:
            return seed.users[role]
    return None
