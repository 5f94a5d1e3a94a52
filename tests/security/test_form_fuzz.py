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
import functools
import os
import types

import pytest
from django.apps import apps
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.classification import PROJECT_APPS
from accounts.models import AuditEvent
from tests.factories import TeamFactory

from .form_pages import OPENING_STEPS, Form, open_page
from .url_rules import URL_RULES

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
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
    "accounts:admin_team_detail": "a team's details, sites and history (changes are their pages)",
    "accounts:admin_access_request_list": "changes waiting for approval, with links to decide",
    "calendar:feed": "a calendar for calendar clients, opened by its secret token",
    "reporting:return_detail": "a requested return's state, progress bar and download link",
    "reporting:return_progress": "a JSON answer to the progress bar's script",
    "reporting:return_download": "a file download",
    "api_admin:client_list": "the API clients, with links to each",
    "api_admin:client_detail": "a client's details and history (changes are their pages)",
    "api:docs": "the API's documentation, a public page of text read from its schema",
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

hostile_text = st.one_of(
    st.sampled_from(HOSTILE_VALUES),
    st.text(max_size=300),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.dates(min_value=datetime.date(1, 1, 1)).map(lambda d: d.strftime("%d/%m/%Y")),
)


def _snapshot_models():
    return [
        model
        for label in PROJECT_APPS
        for model in apps.get_app_config(label).get_models()
        if model is not AuditEvent
    ]


@functools.cache
def _snapshot_tables():
    return [model._meta.db_table for model in _snapshot_models()]


@functools.cache
def _snapshot_sql():
    """One query: per table its row count and an md5 of all its rows in pk order (each row
    as PostgreSQL's text of the whole record, i.e. every column values_list() reads)."""
    quote = connection.ops.quote_name
    digest = "md5(coalesce(string_agg(snapshot_row::text, ',' ORDER BY snapshot_row.{pk}), ''))"
    return " UNION ALL ".join(
        # Table and column names from the models, quoted: nothing from the fuzz.
        f"SELECT %s, count(*), {digest.format(pk=quote(m._meta.pk.column))}"  # noqa: S608
        f" FROM {quote(m._meta.db_table)} snapshot_row"
        for m in _snapshot_models()
    )


def snapshot():
    """Every row of every project model except the audit trail (which records attempts).

    On PostgreSQL compared in SQL (a count and a digest per table: ~1 query instead of 52
    and no rows brought into Python, a third of the fuzz's time before); any changed,
    added or removed row changes its table's digest, and the dict says which table."""
    if connection.vendor == "postgresql":
        labels = [m._meta.label for m in _snapshot_models()]
        with connection.cursor() as cursor:
            cursor.execute(_snapshot_sql(), labels)
            return {label: (count, digest) for label, count, digest in cursor.fetchall()}
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values_list())
        for model in _snapshot_models()
    }


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


def _writes():
    """What this transaction has written so far, per project table: rows inserted, updated
    and deleted (PostgreSQL's pg_stat_xact_user_tables, counted even when rolled back).
    None on SQLite."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables"
            " WHERE relname = ANY(%s) ORDER BY relname",
            [_snapshot_tables()],
        )
        return cursor.fetchall()


def _poster(client, form):
    """post(payload) sends the form; it must not answer 500, nor change data when refused.

    The rows are compared only when something was written: a post that wrote nothing (the
    transaction's write counters did not move) changed nothing. The last rows read stay
    the rows before while nothing is written after them."""
    known = None  # (the write counters, the rows read when they were those)

    def post(payload):
        nonlocal known
        writes = _writes()
        # Taken and cleared: after a redirect or a crash the rows are read again.
        (writes_then, before), known = known or (None, None), None
        if before is None or writes_then != writes:
            before = snapshot()
        response = client.post(form.action, payload)
        code = response.status_code
        assert code < 500, f"POST {form.action} answered {code}"
        # 201: done, on a page shown once (an API client's new secret), not a redirect.
        if code not in (201, 301, 302, 303):
            writes_after = _writes()
            after = before if writes_after is not None and writes_after == writes else snapshot()
            assert after == before, f"{form.action} refused input but changed data"
            known = (writes_after, after)

    return post


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
    post = _poster(client, form)
    crashes = _crashes(
        lambda name, value: post(form.initial | {name: value}), form.typed & set(form.fields)
    )
    return [f"POST {form.action} {crash}" for crash in crashes]


def fuzz_form(client, form):
    post = _poster(client, form)

    @_budget
    @_examples(form.fields)
    def post_hostile(values):
        post({k: v for k, v in values.items() if v is not None})

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


@pytest.fixture
def session_not_renewed(settings):
    """No request renews the session (accounts.middleware.session_touch) during the test.
    The renewal writes "last used" on the user's session row once per interval, so on a
    loaded machine a fuzz run longer than the interval (30 s) saw that row change under a
    refused POST and failed (court_outcome_new and intake took 67-76 s in CI)."""
    settings.SESSION_TOUCH_INTERVAL_SECONDS = 24 * 60 * 60


@pytest.mark.parametrize("url_name", GET_PAGES)
def test_forms_survive_hostile_input(client, seed, url_name, session_not_renewed):
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


class _RefusingClient:
    """A client whose every POST is refused (200, the form again) after `write` ran."""

    def __init__(self, write):
        self.write = write

    def post(self, action, payload):
        self.write()
        return types.SimpleNamespace(status_code=200)


def _rolled_back_team():
    with contextlib.suppress(RuntimeError), transaction.atomic():
        TeamFactory()
        raise RuntimeError("refused after writing")


def test_the_fuzz_catches_a_refused_post_that_kept_a_row(db):
    writes = [lambda: None, lambda: None, TeamFactory]
    post = _poster(_RefusingClient(lambda: writes.pop(0)()), Form(action="/x/", method="post"))
    post({})
    post({})  # nothing written: the rows read before are still the rows

    with pytest.raises(AssertionError, match="refused input but changed data"):
        post({})


def test_the_fuzz_lets_a_refused_post_write_and_roll_back(db):
    post = _poster(_RefusingClient(_rolled_back_team), Form(action="/x/", method="post"))

    post({})
    post({})
