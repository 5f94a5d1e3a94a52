"""GOV.UK Notify's delivery receipts: who may post one, what it must look like, and what it
does to the message. The body is what Notify documents for callbacks."""

import datetime
import json
import logging
import uuid

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from accounts.enums import AuditAction
from accounts.models import AuditEvent
from notifications.callbacks import FIELDS
from notifications.enums import PersonMessageState as State
from notifications.models import Reminder
from tests.notifications.factories import ReminderFactory

from .person_records import MOBILE, message_for, person_order

pytestmark = pytest.mark.django_db

URL = "/notifications/notify/callback/"
TOKEN = "notify-callback-token-" + "x" * 20
COMPLETED = "2026-11-30T10:15:30.000000Z"


@pytest.fixture(autouse=True)
def _token(settings):
    settings.LD_NOTIFY_CALLBACK_TOKEN = TOKEN


@pytest.fixture
def notify():
    """Notify, posting as it does: no session, no CSRF token."""
    return Client(enforce_csrf_checks=True)


def receipt(message=None, **fields):
    body = {
        "id": message.notify_id if message else str(uuid.uuid4()),
        "reference": f"person-message-{message.pk}" if message else None,
        "to": MOBILE,
        "status": "delivered",
        "created_at": "2026-11-30T10:15:00.000000Z",
        "completed_at": COMPLETED,
        "sent_at": "2026-11-30T10:15:05.000000Z",
        "notification_type": "sms",
        "template_id": str(uuid.uuid4()),
        "template_version": 1,
    }
    return body | fields


def post(client, body, *, token=TOKEN, raw=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    data = raw if raw is not None else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json", **headers)


def sent_message(**fields):
    return message_for(
        person_order(),
        state=State.SENT,
        notify_id=str(uuid.uuid4()),
        sent_at=timezone.now(),
        **fields,
    )


# Who may post ------------------------------------------------------------------------------


def test_a_receipt_with_the_token_is_recorded(notify):
    message = sent_message()

    response = post(notify, receipt(message))

    message.refresh_from_db()
    assert response.status_code == 204
    assert message.state == State.DELIVERED
    assert message.status_at == datetime.datetime(2026, 11, 30, 10, 15, 30, tzinfo=datetime.UTC)
    assert "sessionid" not in response.cookies


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer wrong",
        f"Bearer {TOKEN}x",
        f"Basic {TOKEN}",
        TOKEN,
        "Bearer ",
        f"bearer{TOKEN}",
    ],
)
def test_a_receipt_without_the_token_is_refused(notify, authorization):
    message = sent_message()
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization is not None else {}

    response = notify.post(
        URL, data=json.dumps(receipt(message)), content_type="application/json", **headers
    )

    message.refresh_from_db()
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response["Content-Type"] == "application/problem+json"
    assert message.state == State.SENT


def test_with_no_token_configured_every_receipt_is_refused_and_the_answer_says_why(
    notify, settings
):
    settings.LD_NOTIFY_CALLBACK_TOKEN = ""
    message = sent_message()

    for token in ("", TOKEN, None):
        response = post(notify, receipt(message), token=token)
        assert response.status_code == 503
        assert "LD_NOTIFY_CALLBACK_TOKEN" in response.json()["detail"]
    message.refresh_from_db()
    assert message.state == State.SENT


def test_a_signed_in_user_without_the_token_is_refused(client, practitioner):
    client.force_login(practitioner)
    message = sent_message()

    response = post(client, receipt(message), token=None)

    assert response.status_code == 401


def test_only_post_is_answered(notify):
    response = notify.get(URL, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert response.status_code == 405


# What it must look like -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("{not json", "invalid-json"),
        (b"\xff\xfe\x00", "invalid-json"),
        ("[]", "invalid-json"),
        ('"delivered"', "invalid-json"),
        ("[" * 5000 + "]" * 5000, "invalid-json"),
        ("", "invalid-json"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_refused(notify, raw, problem):
    response = post(notify, None, raw=raw)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == f"urn:ld-cstr:problem:{problem}"


@pytest.mark.parametrize("missing", ["id", "reference", "status", "to", "completed_at"])
def test_a_receipt_missing_a_field_is_refused(notify, missing):
    body = receipt(sent_message())
    del body[missing]

    response = post(notify, body)

    assert response.status_code == 400
    assert response.json() == {
        "type": "urn:ld-cstr:problem:missing-fields",
        "title": "Receipt not understood",
        "status": 400,
        "detail": f"Missing: {missing}.",
    }


@pytest.mark.parametrize(
    "wrong",
    [
        {"id": 12},
        {"id": ""},
        {"id": "x" * 65},
        {"status": None},
        {"reference": 5},
        {"to": ["07700900123"]},
        {"completed_at": "yesterday"},
        {"completed_at": "2026-02-30T10:00:00Z"},
        {"created_at": None},
        {"sent_at": 1732960000},
        {"notification_type": "fax"},
    ],
)
def test_a_receipt_with_a_wrong_type_is_refused(notify, wrong):
    message = sent_message()

    response = post(notify, receipt(message, **wrong))

    message.refresh_from_db()
    assert response.status_code == 400
    assert response.json()["type"] == "urn:ld-cstr:problem:wrong-type"
    assert message.state == State.SENT


@pytest.mark.parametrize("status", ["sent", "sending", "created", "pending", "Delivered", ""])
def test_a_receipt_with_an_unknown_status_is_refused(notify, status):
    response = post(notify, receipt(sent_message(), status=status))

    assert response.status_code == 400
    assert response.json()["type"] in {
        "urn:ld-cstr:problem:unknown-status",
        "urn:ld-cstr:problem:wrong-type",  # "" is no status at all
    }


@pytest.mark.parametrize(("size", "code"), [(10 * 1024, 204), (10 * 1024 + 1, 400)])
def test_a_body_over_10_kb_is_refused(notify, size, code):
    message = sent_message()
    body = receipt(message)
    padding = size - len(json.dumps(body | {"padding": ""}))
    raw = json.dumps(body | {"padding": "p" * padding})
    assert len(raw) == size

    response = post(notify, None, raw=raw)

    assert response.status_code == code
    if code == 400:
        assert response.json()["type"] == "urn:ld-cstr:problem:too-large"


# What it does --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "state"),
    [
        ("delivered", State.DELIVERED),
        ("permanent-failure", State.PERMANENT_FAILURE),
        ("temporary-failure", State.TEMPORARY_FAILURE),
        ("technical-failure", State.TECHNICAL_FAILURE),
    ],
)
def test_each_status_sets_the_message_state(notify, status, state):
    message = sent_message()

    post(notify, receipt(message, status=status))

    message.refresh_from_db()
    assert message.state == state
    event = AuditEvent.objects.get(object_type="notifications.personmessage")
    assert (event.action, event.object_id, event.person_id, event.detail, event.user) == (
        AuditAction.CHANGE,
        str(message.pk),
        message.person_id,
        f"GOV.UK Notify receipt: {status}",
        None,
    )
    assert event.ip_address == "127.0.0.1"  # who posted it


def test_a_repeated_receipt_changes_nothing(notify):
    message = sent_message()

    responses = [post(notify, receipt(message, status="permanent-failure")) for _ in range(3)]

    assert [r.status_code for r in responses] == [204, 204, 204]
    assert AuditEvent.objects.filter(object_type="notifications.personmessage").count() == 1
    assert Reminder.objects.count() == 1


@pytest.mark.parametrize(
    ("first", "then", "state"),
    [
        ("delivered", "temporary-failure", State.DELIVERED),
        ("delivered", "permanent-failure", State.DELIVERED),
        ("permanent-failure", "delivered", State.PERMANENT_FAILURE),
        ("temporary-failure", "delivered", State.DELIVERED),
        ("technical-failure", "permanent-failure", State.PERMANENT_FAILURE),
        ("temporary-failure", "technical-failure", State.TEMPORARY_FAILURE),
    ],
)
def test_a_later_receipt_never_undoes_a_final_one(notify, first, then, state):
    message = sent_message()

    post(notify, receipt(message, status=first))
    post(notify, receipt(message, status=then, completed_at="2026-11-30T11:00:00Z"))

    message.refresh_from_db()
    assert message.state == state


def test_a_receipt_before_the_worker_recorded_the_send_is_matched_by_reference(notify):
    # The worker died (or is still waiting) after Notify accepted the message.
    message = message_for(person_order(), state=State.SENDING, claimed_at=timezone.now())
    notify_id = str(uuid.uuid4())

    response = post(notify, receipt(message, id=notify_id))

    message.refresh_from_db()
    assert response.status_code == 204
    assert (message.state, message.notify_id) == (State.DELIVERED, notify_id)
    assert message.sent_at == datetime.datetime(2026, 11, 30, 10, 15, 5, tzinfo=datetime.UTC)


def test_a_receipt_for_an_earlier_send_under_the_same_reference_is_ignored(notify):
    message = sent_message()

    response = post(notify, receipt(message, id=str(uuid.uuid4()), status="technical-failure"))

    message.refresh_from_db()
    assert (response.status_code, message.state) == (204, State.SENT)


def test_a_receipt_for_a_message_never_sent_changes_nothing(notify):
    message = message_for(person_order(), state=State.WITHDRAWN)

    post(notify, receipt(message, id=str(uuid.uuid4())))

    message.refresh_from_db()
    assert message.state == State.WITHDRAWN


def test_a_receipt_for_no_known_message_is_accepted_and_logged_without_the_number(notify, caplog):
    sent_message()
    body = receipt(reference="person-message-999999")

    with caplog.at_level(logging.INFO):
        response = post(notify, body)

    assert response.status_code == 204
    assert body["id"] in caplog.text
    assert MOBILE not in caplog.text
    assert AuditEvent.objects.filter(object_type="notifications.personmessage").count() == 0


@pytest.mark.parametrize("reference", ["reminder-{pk}", "digest-{user}-20261130"])
def test_a_receipt_for_a_staff_reminder_email_is_accepted_and_ignored(notify, reference):
    reminder = ReminderFactory(email_state="sent", notify_id=str(uuid.uuid4()))
    reference = reference.format(pk=reminder.pk, user=reminder.recipient_id)

    response = post(
        notify,
        receipt(id=reminder.notify_id, reference=reference, notification_type="email"),
    )

    reminder.refresh_from_db()
    assert (response.status_code, reminder.email_state) == (204, "sent")


_value = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=40),
    st.sampled_from(["delivered", "permanent-failure", "sms", "person-message-1", COMPLETED]),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


@hypothesis_settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.dictionaries(st.sampled_from([*FIELDS, "extra"]), _value, max_size=10))
def test_no_body_makes_the_callback_fail(body):
    response = post(Client(enforce_csrf_checks=True), body)

    assert response.status_code in {204, 400}
    if response.status_code == 400:
        assert set(response.json()) == {"type", "title", "status", "detail"}
