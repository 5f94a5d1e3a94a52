"""A real Celery worker against the real Redis sends each message to the person once.

The real Notify client against the HTTP stub. Needs REDIS_URL (skipped without it on a
laptop, a failure under REQUIRE_SERVICES=1); the killed-worker test needs PostgreSQL too.
"""

import datetime
import os
import signal
import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import transaction
from django.utils import timezone

import config.celery
from core.queueing import enqueue, enqueue_on_commit
from notifications import outbox
from notifications.enums import PersonMessageState as State
from notifications.models import PersonMessage

from .notify_stub import NotifyStub, notify_settings, running_notify_stub
from .person_records import PERSON_TEMPLATES, message_for, person_order
from .test_celery_worker import _forget_queue, _worker_process, queue_drained, queue_drained_of

pytestmark = pytest.mark.django_db(transaction=True)

DELIVER = "notifications.person_message_deliver"


@pytest.fixture
def worker(redis_url, person_notify):
    app = config.celery.app
    app.control.purge()  # messages left by earlier tests of this session
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield app


def wait_for(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def settled(message, state=State.SENT):
    return PersonMessage.objects.filter(pk=message.pk, state=state).exists()


def references():
    return [request["json"]["reference"] for request in NotifyStub.requests]


def test_a_message_queued_on_commit_is_sent_by_the_worker(worker):
    order = person_order()
    with transaction.atomic():
        message = message_for(order)
        enqueue_on_commit(DELIVER, message_id=message.pk)  # as helper "messages" queues it

    assert wait_for(lambda: settled(message))
    assert references() == [f"person-message-{message.pk}"]


def test_the_same_message_queued_many_times_and_swept_goes_once(worker):
    order = person_order()
    messages = [message_for(order) for _ in range(3)]

    for message in messages:
        for _ in range(3):  # a redelivered message, a second nudge, a retried task
            enqueue(DELIVER, message_id=message.pk)
    enqueue("notifications.person_messages_sweep")

    assert wait_for(lambda: all(settled(m) for m in messages))
    assert wait_for(lambda: queue_drained(worker))
    time.sleep(0.5)
    assert sorted(references()) == sorted(f"person-message-{m.pk}" for m in messages)


def test_a_retry_after_notify_accepted_but_answered_500_sends_nothing_twice(worker, monkeypatch):
    monkeypatch.setattr(outbox, "backoff_seconds", lambda attempts: 1)
    NotifyStub.accepted_status = 500  # Notify holds the text; its answer is an error
    message = message_for(person_order())

    enqueue(DELIVER, message_id=message.pk)

    assert wait_for(lambda: settled(message))
    message.refresh_from_db()
    assert (message.attempts, references()) == (2, [f"person-message-{message.pk}"])
    assert NotifyStub.lookups == [f"person-message-{message.pk}"]
    assert message.notify_id == NotifyStub.held[0]["id"]


def test_a_message_due_later_is_sent_by_the_sweep_not_before(worker):
    order = person_order()
    later = message_for(order, send_after=timezone.now() + datetime.timedelta(hours=1))
    due = message_for(order)

    enqueue("notifications.person_messages_sweep")

    assert wait_for(lambda: settled(due))
    assert wait_for(lambda: queue_drained(worker))
    assert references() == [f"person-message-{due.pk}"]
    assert PersonMessage.objects.get(pk=later.pk).state == State.PENDING


@pytest.mark.skipif(not settings.IS_POSTGRES, reason="a worker process needs a shared database")
def test_worker_killed_between_send_and_mark_the_sweep_sends_nothing_twice(redis_url, tmp_path):
    app, queue = config.celery.app, f"test-killed-{uuid.uuid4().hex[:8]}"
    message = message_for(person_order())
    with (tmp_path / "workers.log").open("w") as log, running_notify_stub() as base_url:
        env = {
            **notify_settings(base_url),
            **PERSON_TEMPLATES,
            "LD_REMINDER_SENDING_TIMEOUT_SECONDS": "1",
        }
        first = _worker_process(queue, env, log)
        # Notify has accepted the text; its answer never reaches the worker.
        NotifyStub.on_send = lambda: os.kill(first.pid, signal.SIGKILL)
        second = None
        try:
            app.send_task(DELIVER, kwargs={"message_id": message.pk}, queue=queue)
            assert first.wait(timeout=60) == -signal.SIGKILL
            NotifyStub.on_send = None
            message.refresh_from_db()
            assert (message.state, len(NotifyStub.requests)) == (State.SENDING, 1)

            # A worker restarted after the timeout: the message redelivered, then the sweep.
            time.sleep(1.1)
            second = _worker_process(queue, env, log)
            app.send_task(DELIVER, kwargs={"message_id": message.pk}, queue=queue)
            app.send_task("notifications.person_messages_sweep", queue=queue)
            assert wait_for(lambda: settled(message), timeout=60)
            assert wait_for(lambda: queue_drained_of(app, queue))
            time.sleep(0.5)
        finally:
            for process in (first, second):
                if process and process.poll() is None:
                    process.terminate()
                    process.wait(timeout=20)
            _forget_queue(app, queue)
    message.refresh_from_db()
    assert references() == [f"person-message-{message.pk}"]
    assert message.notify_id == NotifyStub.held[0]["id"]
    assert NotifyStub.lookups == [f"person-message-{message.pk}"]
