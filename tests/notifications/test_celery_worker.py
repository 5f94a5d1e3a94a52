"""A real Celery worker against the real Redis delivers reminders once, and loses none.

Needs REDIS_URL (skipped without it on a laptop, a failure under REQUIRE_SERVICES=1).
"""

import datetime
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

import config.celery
from notifications import delivery, outbox
from notifications.channels import DeliveryError
from notifications.enums import EmailState
from notifications.models import Reminder
from notifications.queueing import enqueue
from notifications.services import reminders_create

from .factories import ReminderFactory
from .notify_stub import NotifyStub, notify_settings, running_notify_stub
from .test_reminders import spec

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker(redis_url):
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


def sent(reminder):
    return Reminder.objects.filter(pk=reminder.pk, email_state=EmailState.SENT).exists()


def queue_drained(app):
    return queue_drained_of(app, app.conf.task_default_queue)


def queue_drained_of(app, queue):
    with app.connection_for_write() as conn:
        return conn.default_channel.client.llen(queue) == 0


def test_worker_delivers_a_new_reminder_end_to_end(worker, practitioner):
    with transaction.atomic():
        reminders_create(specs=[spec(practitioner)])  # queues delivery on commit

    reminder = Reminder.objects.get()
    assert wait_for(lambda: sent(reminder))
    assert [m.to for m in mail.outbox] == [[practitioner.email]]


def test_worker_retry_after_one_failure_sends_exactly_once(worker, monkeypatch):
    real_send, calls = delivery.send_email, []

    def flaky(**kwargs):
        calls.append(kwargs["reference"])
        if len(calls) == 1:
            raise DeliveryError("mail server error", retryable=True)
        return real_send(**kwargs)

    monkeypatch.setattr(delivery, "send_email", flaky)
    monkeypatch.setattr(outbox, "backoff_seconds", lambda attempts: 1)
    reminder = ReminderFactory()

    enqueue("notifications.deliver_reminder", reminder_id=reminder.pk)

    assert wait_for(lambda: sent(reminder))
    reminder.refresh_from_db()
    assert (reminder.attempts, len(calls), len(mail.outbox)) == (2, 2, 1)


def test_worker_given_the_same_reminder_twice_sends_once(worker):
    reminder = ReminderFactory()

    for _ in range(3):  # a second beat, a redelivered message, a sweep
        enqueue("notifications.deliver_reminder", reminder_id=reminder.pk)
    enqueue("notifications.sweep")

    assert wait_for(lambda: sent(reminder))
    assert wait_for(lambda: queue_drained(worker))
    time.sleep(0.5)
    assert len(mail.outbox) == 1


def test_worker_killed_mid_delivery_is_recovered_by_the_sweep_once(worker):
    # What a worker killed after claiming leaves behind: a row stuck in "sending".
    claimed = timezone.now() - datetime.timedelta(
        seconds=settings.LD_REMINDER_SENDING_TIMEOUT_SECONDS + 60
    )
    lost = ReminderFactory(email_state=EmailState.SENDING, claimed_at=claimed, attempts=1)

    enqueue("notifications.deliver_reminder", reminder_id=lost.pk)  # the redelivered message
    enqueue("notifications.sweep")

    assert wait_for(lambda: sent(lost))
    assert wait_for(lambda: queue_drained(worker))
    assert len(mail.outbox) == 1


def _app_with_stopped_broker():
    dead = Celery("stopped-broker")
    dead.config_from_object("django.conf:settings", namespace="CELERY")
    dead.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    dead.conf.task_always_eager = False
    return dead


def test_stopped_broker_neither_hangs_nor_loses_the_reminder(redis_url, practitioner, monkeypatch):
    monkeypatch.setattr(config.celery, "app", _app_with_stopped_broker())
    started = time.monotonic()
    with transaction.atomic():
        reminders_create(specs=[spec(practitioner)])
    elapsed = time.monotonic() - started

    reminder = Reminder.objects.get()
    assert elapsed < 5
    assert reminder.email_state == EmailState.PENDING
    assert mail.outbox == []

    # Redis is back: the next sweep delivers it.
    monkeypatch.undo()
    with start_worker(config.celery.app, pool="solo", perform_ping_check=False):
        enqueue("notifications.sweep")
        assert wait_for(lambda: sent(reminder))
    assert len(mail.outbox) == 1


# A real worker process killed between send and mark ------------------------------------


def _worker_process(queue, extra_env, log):
    """A separate `celery worker` process (solo pool: it runs the task itself) on `queue`."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    env = {
        **os.environ,
        **extra_env,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "PYTEST_XDIST_WORKER": queue.removeprefix("test-"),  # config.settings.test's queue
    }
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-P", "solo", "-Q", queue]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning"]
    return subprocess.Popen(command, env=env, cwd=settings.BASE_DIR, stdout=log, stderr=log)


def _forget_queue(app, queue):
    """Drop the queue and the killed worker's unacknowledged message, left in Redis."""
    with app.connection_for_write() as conn:
        client = conn.default_channel.client
        client.delete(queue)
        for tag, payload in client.hgetall("unacked").items():
            if queue.encode() in payload:
                client.hdel("unacked", tag)
                client.zrem("unacked_index", tag)


@pytest.mark.skipif(not settings.IS_POSTGRES, reason="a worker process needs a shared database")
def test_worker_killed_between_send_and_mark_the_sweep_sends_nothing_twice(redis_url, tmp_path):
    app, queue = config.celery.app, f"test-killed-{uuid.uuid4().hex[:8]}"
    reminder = ReminderFactory()
    with (tmp_path / "workers.log").open("w") as log, running_notify_stub() as base_url:
        env = {**notify_settings(base_url), "LD_REMINDER_SENDING_TIMEOUT_SECONDS": "1"}
        first = _worker_process(queue, env, log)
        # Notify has accepted the email; its answer never reaches the worker.
        NotifyStub.on_send = lambda: os.kill(first.pid, signal.SIGKILL)
        second = None
        try:
            app.send_task(
                "notifications.deliver_reminder", kwargs={"reminder_id": reminder.pk}, queue=queue
            )
            assert first.wait(timeout=60) == -signal.SIGKILL
            NotifyStub.on_send = None
            reminder.refresh_from_db()
            assert (reminder.email_state, len(NotifyStub.requests)) == (EmailState.SENDING, 1)

            # A worker restarted after the timeout: the message redelivered, then the sweep.
            time.sleep(1.1)  # past the workers' 1 s LD_REMINDER_SENDING_TIMEOUT_SECONDS
            second = _worker_process(queue, env, log)
            app.send_task(
                "notifications.deliver_reminder", kwargs={"reminder_id": reminder.pk}, queue=queue
            )
            app.send_task("notifications.sweep", queue=queue)
            assert wait_for(lambda: sent(reminder), timeout=60)
            assert wait_for(lambda: queue_drained_of(app, queue))
            time.sleep(0.5)  # anything the sweep queued has been taken and run
        finally:
            for process in (first, second):
                if process and process.poll() is None:
                    process.terminate()
                    process.wait(timeout=20)
            _forget_queue(app, queue)
    reminder.refresh_from_db()
    assert [r["json"]["reference"] for r in NotifyStub.requests] == [f"reminder-{reminder.pk}"]
    assert reminder.notify_id == NotifyStub.held[0]["id"]
    assert NotifyStub.lookups == [f"reminder-{reminder.pk}"]
