"""The API documentation page: public, in the service's layout, read from the schema so
every operation (and a new one) is on it with its scopes, parameters, body and answers."""

import copy
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from api import docs_views
from api.reference import METHODS, openapi_schema

DOCS_URL = reverse("api:docs")


class _Outline(HTMLParser):
    """The page's headings (level, text) in order, and its tables' header cells."""

    def __init__(self):
        super().__init__()
        self.headings, self.tables, self._heading = [], [], None

    def handle_starttag(self, tag, attrs):
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = [int(tag[1]), ""]
        elif tag == "table":
            self.tables.append({"col": 0, "caption": False})
        elif tag == "th" and ("scope", "col") in attrs:
            self.tables[-1]["col"] += 1
        elif tag == "caption":
            self.tables[-1]["caption"] = True

    def handle_data(self, data):
        if self._heading:
            self._heading[1] += data

    def handle_endtag(self, tag):
        if self._heading and tag == f"h{self._heading[0]}":
            self.headings.append(tuple(self._heading))
            self._heading = None


def _operations(schema):
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def _section(html: str, operation_id: str) -> str:
    found = re.search(
        rf'<section[^>]*aria-labelledby="op-{operation_id}">(.*?)</section>', html, re.S
    )
    assert found, f"{operation_id} is not on the page"
    return found.group(1)


def _schema_json(client) -> dict:
    response = client.get(reverse("api:schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


@pytest.mark.django_db
def test_page_lists_every_operation_of_the_schema(client):
    schema = _schema_json(client)
    html = client.get(DOCS_URL).content.decode()

    operations = list(_operations(schema))
    assert len(operations) >= 6
    for path, method, operation in operations:
        section = _section(html, operation["operationId"])
        assert f"<strong>{method.upper()}</strong> {path}" in section
        for requirement in operation["security"]:
            for scope in next(iter(requirement.values())):
                assert f"<code>{scope}</code>" in section
        for parameter in operation.get("parameters", []):
            assert f"<code>{parameter['name']} ({parameter['in']})</code>" in section
        for status in operation["responses"]:
            assert f'<th scope="row" class="govuk-table__header">{status}</th>' in section


@pytest.mark.django_db
def test_request_body_fields_are_listed_with_whether_required(client):
    html = client.get(DOCS_URL).content.decode()
    section = _section(html, "referral_create")
    rows = dict(
        re.findall(
            r"<th scope=\"row\"[^>]*><code>([^<]+)</code></th>\s*<td[^>]*>[^<]*</td>\s*"
            r"<td[^>]*>(Required|Optional)</td>",
            section,
        )
    )

    assert rows["referral.site_id"] == "Required"
    assert rows["person.given_name"] == "Required"
    assert rows["person.nhs_number"] == "Optional"
    assert rows["person_id"] == "Optional"
    assert rows["Idempotency-Key (header)"] == "Required"
    assert "<code>police_custody</code>: Police custody suite" in section


@pytest.mark.django_db
def test_an_endpoint_added_to_the_schema_appears_without_editing_the_template(client, monkeypatch):
    schema = copy.deepcopy(openapi_schema())
    schema["paths"]["/api/v1/orders/{id}/warnings/"] = {
        "get": {
            "operationId": "order_warnings",
            "summary": "List an order's warnings",
            "tags": ["orders"],
            "security": [{"clientCredentials": ["orders:read"]}],
            "responses": {"200": {"description": "The warnings"}},
        }
    }
    monkeypatch.setattr(docs_views, "openapi_schema", lambda: schema)

    section = _section(client.get(DOCS_URL).content.decode(), "order_warnings")

    assert "<strong>GET</strong> /api/v1/orders/{id}/warnings/" in section
    assert "List an order&#x27;s warnings" in section
    assert "The warnings" in section


@pytest.mark.django_db
def test_page_is_public_and_explains_tokens_paging_etags_keys_and_limits(client, settings):
    settings.LD_API_RATE = "30/min"
    response = client.get(DOCS_URL)
    html = response.content.decode()

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Skip to main content" in html  # the service's own layout (base.html)
    assert 'curl -s -u "$CLIENT_ID:$CLIENT_SECRET" -d grant_type=client_credentials' in html
    assert "http://testserver/api/v1/oauth/token/" in html
    for heading in ("Paging through a list", "ETag and If-Match", "Idempotency-Key", "Rate limits"):
        assert heading in html
    assert "Each client may make up to 30 calls a minute" in html
    assert "<script" not in html.split("</main>")[0]  # no third-party viewer


@pytest.mark.django_db
def test_headings_never_skip_a_level_and_every_table_has_headers(client):
    outline = _Outline()
    outline.feed(client.get(DOCS_URL).content.decode())
    levels = [level for level, _text in outline.headings]

    assert levels[0] == 1 and levels.count(1) == 1
    assert all(after - before <= 1 for before, after in zip(levels, levels[1:], strict=False))
    assert len(outline.tables) > 10
    assert all(table["col"] >= 2 and table["caption"] for table in outline.tables)


@pytest.mark.django_db
def test_api_clients_page_links_the_documentation(client, administrator):
    client.force_login(administrator)

    html = client.get(reverse("api_admin:client_list")).content.decode()

    assert f'href="{DOCS_URL}"' in html
