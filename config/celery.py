"""The Celery app. Broker is Redis when REDIS_URL is set; otherwise tasks run eagerly.

Settings live in config/settings/base.py (CELERY_*): JSON only, acks_late with
reject_on_worker_lost (a task whose worker dies is redelivered; tasks are idempotent),
time limits, and short broker timeouts so a stopped Redis never stalls a web request.

Run locally (with REDIS_URL set):
    celery -A config worker -l info
    celery -A config beat -l info -s /tmp/celerybeat-schedule
"""

import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("ld_cstr")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def _keep_django_logging(**kwargs):
    """Workers keep Django's LOGGING (core.logging scrubs personal data from every record).

    Without a receiver here, Celery replaces the root logger's handlers with its own when a
    worker starts, and worker logs would no longer be scrubbed.
    """


# Times are wall-clock Europe/London (CELERY_TIMEZONE): 08:00 stays 08:00 in BST and GMT.
app.conf.beat_schedule = {
    "reminders-daily": {
        "task": "notifications.run_daily_rules",
        "schedule": crontab(hour=8, minute=0),
    },
    "reminders-hourly": {
        "task": "notifications.run_hourly_rules",
        "schedule": crontab(minute=5),
    },
    "reminders-sweep": {
        "task": "notifications.sweep",
        "schedule": crontab(minute="*/5"),
    },
    "person-messages-sweep": {
        "task": "notifications.person_messages_sweep",
        "schedule": crontab(),  # every minute: a day-before reminder goes when it is due
    },
    "calendar-invites-sweep": {
        "task": "notifications.calendar_invites_sweep",
        "schedule": crontab(minute="*/5"),
    },
    "reminders-digest": {
        "task": "notifications.send_digests",
        "schedule": crontab(hour=8, minute=30),
    },
    "reporting-overnight": {
        "task": "reporting.overnight_run",
        "schedule": crontab(hour=2, minute=0),
    },
    "documents-scan-pending": {
        "task": "documents.scan_pending",
        "schedule": crontab(minute="*/5"),
    },
    "audit-checkpoint": {
        "task": "accounts.audit_checkpoint",
        "schedule": crontab(hour=0, minute=5),
    },
    "housekeeping": {
        "task": "reporting.housekeeping",
        "schedule": crontab(hour=3, minute=30),
    },
    # Record-level returns: files past their 7 days deleted, lost build tasks queued again.
    "reporting-returns-sweep": {
        "task": "reporting.returns_sweep",
        "schedule": crontab(minute=20),
    },
}
