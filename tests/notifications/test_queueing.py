"""Queueing never breaks or stalls a request, whatever state the broker is in."""

import time

import pytest
from celery import Celery
from django.conf import settings
from django.core import mail
from django.db import transaction

import config.celery
from notifications.enums import EmailState
from notifications.models import Reminder
from notifications.queueing import enqueue
from notifications.services import reminders_create

from .test_reminders import spec


def _app_with_stopped_broker(*, pause_before_retry=True):
    dead = Celery("stopped-broker")
    dead.config_from_object("django.conf:settings", namespace="CELERY")
    dead.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    dead.conf.task_always_eager = False
    if not pause_before_retry:  # kombu waits 2 s before its one retry: only timing needs it
        options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        dead.conf.broker_transport_options = {**options, "interval_start": 0}
    return dead


def test_enqueue_with_a_stopped_broker_returns_quickly_and_says_so(monkeypatch):
    monkeypatch.setattr(config.celery, "app", _app_with_stopped_broker())

    started = time.monotonic()
    queued = enqueue("notifications.sweep")

    assert queued is False
    assert time.monotonic() - started < 5


@pytest.mark.django_db(transaction=True)
def test_reminder_row_survives_a_stopped_broker(monkeypatch, practitioner):
    monkeypatch.setattr(config.celery, "app", _app_with_stopped_broker(pause_before_retry=False))

    with transaction.atomic():
        reminders_create(specs=[spec(practitioner)])

    assert Reminder.objects.get().email_state == EmailState.PENDING


@pytest.mark.django_db(transaction=True)
def test_eager_mode_delivers_in_process_after_commit(practitioner):
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("REDIS_URL is set: tasks go to the broker (see test_celery_worker.py)")

    with transaction.atomic():
        reminders_create(specs=[spec(practitioner)])
        assert mail.outbox == []  # nothing before the commit

    assert Reminder.objects.get().email_state == EmailState.SENT
    assert len(mail.outbox) == 1
