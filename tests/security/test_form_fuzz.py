"""Hostile input for every form (hypothesis): never a 500, and nothing stored when refused.

The forms are found, not listed: every page in the access matrix's URL_RULES is opened as
a user allowed to see it (following redirects), and on it are fuzzed
- every POST form (its action, fields, hidden values and options);
- every GET form (list filters, the dashboard's filters, the audit search), every query
  parameter of a link back to the page (sorting, paging, the week shown), and every query
  parameter the view itself read while rendering the page (found by watching request.GET),
  sent to the page.
A page that shows no POST form but links to itself with a query string (a chooser: which
instrument to record) is opened through each of those links, and their POST forms fuzzed
(CHOOSERS names the known ones, which must keep leading to a form).
A few forms appear only after an earlier step (the check before ending an order, a note
restricted by someone else, a complete assessment, a confirmed authenticator app):
OPENING_STEPS takes that step first. Pages that take no input at all are listed in
NO_INPUT with the reason; a page listed there that gains a form, or one not listed that
loses its form, fails.

Each example sends random and hostile values (very long strings, control characters, SQL
and HTML fragments, impossible dates, huge numbers, missing fields), and each of CRASHERS is
also sent alone in every GET parameter and every date or number field of a POST form (the
rest of the form as the page filled it in). The test asserts:
- the answer is 2xx, 3xx or 4xx, never an unhandled exception (the test client re-raises
  what would be a 500);
- when a POST is refused, no row of any project model changed.

The example budget is fixed (FUZZ_EXAMPLES, default 3 per form; raise it for a deeper run)
and derandomised, so CI runs the same examples every time.
"""

import contextlib
import datetime
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import django.core.handlers.wsgi
import pytest
from django.apps import apps
from django.http import QueryDict
from django.urls import resolve, reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.classification import PROJECT_APPS
from accounts.enums import Role
from accounts.models import AuditEvent

from .test_access_matrix import ALLOWED, PUBLIC, URL_RULES, expected_outcome

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
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

# Pages that take no input: nothing to fuzz. Each says why, so a page that loses its form
# is noticed (it fails unless listed here) and one that gains a form is fuzzed (it fails
# while listed here).
NO_INPUT = {
    "healthz": "a plain-text health check",
    "accounts:keep_alive": "a JSON answer to the session-timeout script",
    "assessments:assessment_detail": "a signed assessment, read-only (changes are addenda)",
    "contact_log:contact_detail": "one contact, read-only (actions are their own pages)",
    "documents:document_download": "a file download",
    "referrals:my_work": "the user's queues: counts and links to the lists",
    "referrals:person_detail": "the person's record, read-only",
    "referrals:subject_access": "the subject access report, read-only",
    "referrals:subject_access_json": "the subject access export, a JSON download",
    "risks:register": "the risk register, read-only (actions are their own pages)",
    "treatment_requirements:order_detail": "the order, read-only (actions are their pages)",
    "treatment_requirements:recommendation_detail": "the recommendation, read-only",
    "treatment_requirements:recommendation_print": "a printable recommendation",
    "treatment_requirements:team_workload": "figures per member, with links to the lists",
    "treatment_requirements:warning_letter": "a printable letter",
    "accessibility": "the accessibility statement, a public page of text",
    "accounts:admin_user_detail": "a user's details and history (changes are their own pages)",
    "accounts:admin_team_detail": "a team's details, sites and history (changes are their pages)",
}
# Pages whose POST form is found one link further (a chooser); like those with an opening
# step, they must end up showing one.
CHOOSERS = {"treatment_requirements:measure_new": "a link per instrument"}
# Pages that rightly send the visitor elsewhere; any other page must open as itself.
REDIRECTS = {"accounts:home": "sends each role to its start page (My work)"}

HOSTILE_VALUES = [
    "",
    " ",
    "\x00",
    "abc\x00def",
    "\x1b[31m\x07\x08",
    "\u202eevil",
    "' OR '1'='1' --",
    "1; DROP TABLE referrals_person; --",
    '"><script>alert(1)</script>',
    "<img src=x onerror=alert(1)>",
    '=HYPERLINK("http://example.invalid")',
    "../../../../etc/passwd",
    "A" * 10_000,
    "😀" * 500,
    "31/02/2026",
    "00/00/0000",
    "2026-13-45",
    "29/02/2025",
    "01/01/0001",
    "31/12/9999",
    "9" * 40,
    "-1",
    "1e309",
    "NaN",
    "０１２３",
]
# Each sent alone in every GET parameter and every date or number field: the inputs that
# have crashed date and number parsing before (the first and last days Python can hold, a
# day or year too big for an int, NUL, negatives, superscript two, a value too long for any
# column).
CRASHERS = [
    "9999-12-31",
    "31/12/9999",
    "0001-01-01",
    "1/1/1",
    "0",
    "2026-01-99999999999999999999",
    "99999999999999999999/1/2026",
    "1/1/99999999999999999999",
    "\x00",
    "2026-01-01\x00",
    "-1",
    "-99999999999999999999",
    "99999999999999999999",
    "1e309",
    "\u00b2",  # a digit to str.isdigit(), not to int()
    "A" * 10_000,
]
# A field that holds a date, a time or a number (single or split into boxes).
_TYPED_NAME = re.compile(
    r"(date|_on|_from|_to|_at|time|months|count|length|duration|total|version|since|after"
    r"|before|week|page)(_[0-2])?$"
)

hostile_text = st.one_of(
    st.sampled_from(HOSTILE_VALUES),
    st.text(max_size=300),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.dates(min_value=datetime.date(1, 1, 1)).map(lambda d: d.strftime("%d/%m/%Y")),
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


def snapshot():
    """Every row of every project model except the audit trail (which records attempts)."""
    rows = {}
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            if model is not AuditEvent:
                rows[model._meta.label] = list(model._base_manager.order_by("pk").values_list())
    return rows


def _visitor_for(url_rule, seed):
    for role in PREFERRED_VISITORS:
        if expected_outcome(url_rule, seed.users[role], seed) == ALLOWED:
            return seed.users[role]
    return None


def _field_value(offered):
    choices = [st.none(), hostile_text]
    if offered:
        choices.insert(0, st.sampled_from(offered))
    return st.one_of(*choices)


def _examples(fields):
    return given(
        values=st.fixed_dictionaries({name: _field_value(v) for name, v in fields.items()})
    )


_budget = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _post_checked(client, form, payload):
    before = snapshot()
    response = client.post(form.action, payload)
    code = response.status_code
    assert code < 500, f"POST {form.action} answered {code}"
    if code not in (301, 302, 303):
        assert snapshot() == before, f"{form.action} refused input but changed data"


def _crashes(send, fields):
    """Send each of CRASHERS alone in each field; what failed, one line each."""
    found = []
    for name in sorted(fields):
        for value in CRASHERS:
            try:
                send(name, value)
            except Exception as exc:  # noqa: BLE001 - the test client re-raises a 500
                found.append(f"{name}={value[:30]!r}: {type(exc).__name__}: {exc}"[:300])
    return found


def crash_form(client, form):
    """Each of CRASHERS in each date or number field, the rest as the page filled it in."""
    crashes = _crashes(
        lambda name, value: _post_checked(client, form, form.initial | {name: value}),
        form.typed & set(form.fields),
    )
    return [f"POST {form.action} {crash}" for crash in crashes]


def fuzz_form(client, form):
    @_budget
    @_examples(form.fields)
    def post_hostile(values):
        _post_checked(client, form, {k: v for k, v in values.items() if v is not None})

    post_hostile()


def _get_checked(client, path, params):
    response = client.get(path, params)
    code = response.status_code
    assert 200 <= code < 500, f"GET {path} {sorted(params)} answered {code}"


def crash_query(client, query):
    """Each of CRASHERS alone in each parameter."""
    crashes = _crashes(
        lambda name, value: _get_checked(client, query.action, {name: value}), query.fields
    )
    return [f"GET {query.action} {crash}" for crash in crashes]


def fuzz_query(client, query):
    @_budget
    @_examples(query.fields)
    def get_hostile(values):
        _get_checked(client, query.action, {k: v for k, v in values.items() if v is not None})

    get_hostile()


GET_PAGES = sorted(name for name, url_rule in URL_RULES.items() if url_rule.method == "get")


def test_no_input_and_redirects_name_get_pages():
    listed = set(NO_INPUT) | set(REDIRECTS) | set(OPENING_STEPS) | set(CHOOSERS)
    assert sorted(listed - set(GET_PAGES)) == []


@pytest.mark.parametrize("url_name", GET_PAGES)
def test_forms_survive_hostile_input(client, seed, url_name):
    page = open_page(client, seed, url_name)
    if url_name in REDIRECTS:
        assert page.landed_on != url_name, f"{url_name} no longer redirects"
        pytest.skip(f"{url_name} {REDIRECTS[url_name]}, fuzzed as its own page")
    assert page.landed_on == url_name, f"{url_name} sent its visitor to {page.landed_on}"
    if url_name in NO_INPUT:
        assert not page.takes_input(), f"{url_name} takes input now: take it off NO_INPUT"
        pytest.skip(f"{url_name} takes no input: {NO_INPUT[url_name]}")
    assert page.takes_input(), (
        f"{url_name} shows no form and reads no query parameter; if it never should, list "
        "it in NO_INPUT with the reason"
    )

    if url_name in CHOOSERS or url_name in OPENING_STEPS:
        assert page.post_forms, f"{url_name}: no POST form found behind it"
    queries = list(page.queries.values())
    crashes = [line for form in page.post_forms for line in crash_form(client, form)]
    crashes += [line for query in queries for line in crash_query(client, query)]
    assert not crashes, "\n".join(crashes)
    for form in page.post_forms:
        fuzz_form(client, form)
    for query in queries:
        fuzz_query(client, query)
