"""Hostile input for every form (hypothesis): never a 500, and nothing stored when refused.

The forms are found, not listed: every page in the access matrix's URL_RULES is opened as
a user allowed to see it, and every POST form on it (its action, fields, hidden values and
options) is fuzzed. A new screen is fuzzed as soon as it is mapped in URL_RULES.

Each example posts random and hostile values (very long strings, control characters, SQL
and HTML fragments, impossible dates, huge numbers, missing fields) and asserts:
- the response is a redirect (accepted) or a 4xx/200 page (refused with a reason), never an
  unhandled exception (the test client re-raises what would be a 500);
- when the form is refused, no row of any project model changed.

The example budget is fixed (FUZZ_EXAMPLES, default 3 per form; raise it for a deeper run) and derandomised, so CI
runs the same examples every time.
"""

import datetime
import os
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.urls import reverse
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

hostile_text = st.one_of(
    st.sampled_from(HOSTILE_VALUES),
    st.text(max_size=300),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.dates(min_value=datetime.date(1, 1, 1)).map(lambda d: d.strftime("%d/%m/%Y")),
)


class _FormFinder(HTMLParser):
    """Collect each <form method="post">: its action, and per field the values on offer
    (an input's value, a select's options)."""

    def __init__(self):
        super().__init__()
        self.forms, self._form, self._field = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            post = (attrs.get("method") or "get").lower() == "post"
            self._form = {"action": attrs.get("action") or "", "fields": {}} if post else None
            if post:
                self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "option" and self._field is not None and attrs.get("value") is not None:
            self._field.append(attrs["value"])
        elif tag in {"input", "select", "textarea"} and attrs.get("name"):
            self._field = self._form["fields"].setdefault(attrs["name"], [])
            if tag == "input" and attrs.get("value") is not None:
                self._field.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = self._field = None


def find_post_forms(page_url, html):
    finder = _FormFinder()
    finder.feed(html)
    forms = []
    for form in finder.forms:
        action = urlsplit(urljoin(page_url, form["action"])).path
        if action not in SKIP_ACTIONS:
            forms.append({"action": action, "fields": form["fields"]})
    return forms


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


def fuzz_form(client, form):
    fields = form["fields"]

    @settings(
        max_examples=FUZZ_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(values=st.fixed_dictionaries({name: _field_value(v) for name, v in fields.items()}))
    def post_hostile(values):
        payload = {name: value for name, value in values.items() if value is not None}
        before = snapshot()
        response = client.post(form["action"], payload)
        code = response.status_code
        assert code < 500, f"{form['action']} answered {code}"
        if code not in (301, 302, 303):
            assert snapshot() == before, f"{form['action']} refused input but changed data"

    post_hostile()


GET_PAGES = sorted(name for name, url_rule in URL_RULES.items() if url_rule.method == "get")


@pytest.mark.parametrize("url_name", GET_PAGES)
def test_forms_survive_hostile_input(client, seed, url_name):
    url_rule = URL_RULES[url_name]
    user = None if url_rule.access == PUBLIC else _visitor_for(url_rule, seed)
    if user is not None:
        client.force_login(user)
    page_url = reverse(url_name, kwargs=url_rule.kwargs(seed))
    page = client.get(page_url)
    is_html = page.status_code == 200 and page["Content-Type"].startswith("text/html")
    forms = find_post_forms(page_url, page.content.decode()) if is_html else []
    if not forms:
        pytest.skip(f"{url_name} shows no POST form")

    for form in forms:
        fuzz_form(client, form)
