import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.audit import audit_record
from accounts.enums import AuditAction, Role
from accounts.models import AuditEvent
from accounts.views import AUDIT_PAGE_SIZE
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("accounts:audit_search")


@pytest.fixture
def administrator(db):
    return UserFactory(role=Role.ADMINISTRATOR, username="admin1")


@pytest.fixture
def administrator_client(client, administrator):
    client.force_login(administrator)
    return client


def _views(user, person_id, times=1):
    for _ in range(times):
        audit_record(
            action=AuditAction.VIEW,
            user=user,
            object_type="referrals.person",
            object_id=str(person_id),
            person_id=person_id,
        )


def test_audit_search_by_person_lists_only_that_persons_entries(administrator_client, practitioner):
    _views(practitioner, 11)
    _views(practitioner, 12)

    response = administrator_client.get(SEARCH, {"person": 11})

    entries = response.context["entries"]
    assert [e.person_id for e in entries] == [11]


def test_audit_search_by_user_action_and_dates(administrator_client, practitioner, team_lead):
    with time_machine.travel(datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC)):
        _views(practitioner, 11)
    with time_machine.travel(datetime.datetime(2026, 3, 10, 12, tzinfo=datetime.UTC)):
        _views(practitioner, 11)
        audit_record(action=AuditAction.CHANGE, user=practitioner, person_id=11)
        _views(team_lead, 11)

    response = administrator_client.get(
        SEARCH,
        {"user": "practitioner", "action": "view", "date_from": "5/3/2026", "date_to": "10/3/2026"},
    )

    entries = response.context["entries"]
    assert [(e.username, e.action, e.at.date()) for e in entries] == [
        ("practitioner", "view", datetime.date(2026, 3, 10))
    ]


def test_audit_search_dates_in_wrong_order_shows_error(administrator_client):
    response = administrator_client.get(SEARCH, {"date_from": "10/3/2026", "date_to": "1/3/2026"})

    assert "The ‘to’ date must be the same as or after the ‘from’ date" in response.content.decode()
    assert response.context["entries"] == []


def test_audit_search_pages_by_keyset(administrator_client, practitioner):
    _views(practitioner, 11, times=AUDIT_PAGE_SIZE + 5)

    first = administrator_client.get(SEARCH, {"person": 11})
    second = administrator_client.get(SEARCH + "?" + first.context["next_query"])

    assert len(first.context["entries"]) == AUDIT_PAGE_SIZE
    assert len(second.context["entries"]) == 5
    assert second.context["next_query"] is None
    first_ids = {e.pk for e in first.context["entries"]}
    assert first_ids.isdisjoint(e.pk for e in second.context["entries"])


def _queries_for(client, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(SEARCH, params)
    return response, [q["sql"] for q in queries.captured_queries]


def test_audit_search_query_count_is_the_same_for_1_and_3_rows(administrator_client, practitioner):
    _views(practitioner, 11, times=1)
    one, one_sql = _queries_for(administrator_client, {"person": 11, "action": "view"})
    _views(practitioner, 11, times=2)
    three, three_sql = _queries_for(administrator_client, {"person": 11, "action": "view"})

    assert (len(one.context["entries"]), len(three.context["entries"])) == (1, 3)
    assert len(one_sql) == len(three_sql)
    assert not [sql for sql in three_sql if "COUNT(" in sql and "accounts_auditevent" in sql]


def test_audit_search_records_that_the_administrator_searched(administrator_client, administrator):
    administrator_client.get(SEARCH, {"person": 42, "action": "view"})

    event = AuditEvent.objects.get(action=AuditAction.SEARCH)
    assert (event.user, event.person_id, event.detail) == (
        administrator,
        42,
        "audit search: action, person",
    )


def test_audit_search_by_nhs_number_posts_and_redirects_to_person_number(administrator_client):
    person = PersonFactory()

    response = administrator_client.post(SEARCH, {"nhs_number": person.nhs_number})

    assert response.status_code == 302
    assert response.url == reverse("accounts:audit_person", args=[person.pk])
    assert person.nhs_number not in response.url


def test_audit_search_by_unknown_or_invalid_nhs_number_shows_error(administrator_client):
    unknown = administrator_client.post(SEARCH, {"nhs_number": "943 476 5919"})
    invalid = administrator_client.post(SEARCH, {"nhs_number": "123"})

    assert "No person with this NHS number is recorded" in unknown.content.decode()
    assert "Enter an NHS number with 10 digits" in invalid.content.decode()


def test_audit_person_answers_who_looked_at_the_record(
    administrator_client, practitioner, team_lead
):
    with time_machine.travel(datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC)):
        _views(practitioner, 11, times=2)
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)):
        _views(team_lead, 11)
        audit_record(action=AuditAction.EXPORT, user=practitioner, person_id=11)
        _views(team_lead, 12)

    response = administrator_client.get(reverse("accounts:audit_person", args=[11]))

    viewers = [
        (v["username"], v["looks"], timezone.localtime(v["first_at"]).date())
        for v in response.context["viewers"]
    ]
    assert sorted(viewers) == [
        ("lead", 1, datetime.date(2026, 3, 2)),
        ("practitioner", 3, datetime.date(2026, 3, 1)),
    ]
    assert "Who looked at person record 11" in response.content.decode()


@pytest.mark.parametrize(
    "role",
    [r for r in Role if r != Role.ADMINISTRATOR],
)
def test_audit_pages_refuse_every_role_but_administrator(client, role, team):
    person = PersonFactory(given_name="Quentin", family_name="Zebedee")
    viewer = UserFactory(role=Role.PRACTITIONER, team=team, username="asha.viewer")
    _views(viewer, person.pk)
    client.force_login(UserFactory(role=role))

    responses = [
        client.get(SEARCH, {"person": person.pk}),
        client.get(reverse("accounts:audit_person", args=[person.pk])),
        client.post(SEARCH, {"nhs_number": person.nhs_number}),
    ]

    assert [r.status_code for r in responses] == [403, 403, 403]
    # who looked at the record is not shown (the page's header names the signed-in user)
    assert all(b"asha.viewer" not in r.content for r in responses)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"person": "Smith"}, "Enter the person record number in digits"),
        ({"person": "9" * 30}, "this one is too large"),
        ({"date_from": "31/02/2026"}, "The ‘from’ date must be a real date"),
        ({"date_from": "1/1/0001"}, "The ‘from’ date must be on or after 1 January 2000"),
        ({"date_to": "31/12/9999"}, "The ‘to’ date must be today or in the past"),
        ({"date_to": "9" * 40}, "Enter the ‘to’ date as a date, like 27/3/2026"),
        ({"date_to": "1/3/2026\x00"}, "Enter the ‘to’ date as a date, like 27/3/2026"),
        ({"user": "admin\x00"}, "Remove the hidden control characters"),
    ],
)
def test_audit_search_bad_filters_show_a_reason(administrator_client, params, message):
    response = administrator_client.get(SEARCH, params)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["entries"] == []


@pytest.mark.parametrize(
    ("field", "typed", "refused"),
    [
        ("date_from", "31/12/1999", "The ‘from’ date must be on or after 1 January 2000"),
        ("date_from", "1/1/2000", None),
        ("date_from", "2/1/2000", None),
        ("date_to", -1, None),
        ("date_to", 0, None),
        ("date_to", 1, "The ‘to’ date must be today or in the past"),
    ],
)
def test_audit_search_dates_from_2000_to_today(administrator_client, field, typed, refused):
    if isinstance(typed, int):
        typed = f"{timezone.localdate() + datetime.timedelta(days=typed):%d/%m/%Y}"

    response = administrator_client.get(SEARCH, {field: typed})

    body = response.content.decode()
    assert response.status_code == 200
    if refused:
        assert refused in body and "There is a problem" in body
        assert response.context["searched"] is False
    else:
        assert "There is a problem" not in body
        assert response.context["searched"] is True


def test_audit_search_nhs_number_box_gets_a_number_pad(administrator_client):
    body = administrator_client.get(SEARCH).content.decode()

    nhs = body[body.index('name="nhs_number"') :].split(">")[0]
    assert 'inputmode="numeric"' in nhs and 'autocomplete="off"' in nhs
