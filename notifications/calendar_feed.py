"""The personal calendar feed: a secret URL a calendar client polls, without signing in.

The token is the credential (a bearer secret in a URL: docs/security.md). Only its SHA-256
is stored; the URL is shown once, when the feed is made. A feed answers only while its user
is active and may still hold orders (a probation officer, by the policy); otherwise it is
revoked at the fetch that finds it so, and answers 404 like an unknown or revoked one.

What a feed holds: the appointments from 30 days ago to a year ahead of the orders the user
is responsible officer for and may still see (the policy's scope, restrictions applied),
at most FEED_MAX_EVENTS, with times, places and a link to the order; never the person.
Withdrawn and rescheduled appointments are left out (their replacement is in it), so a
client drops them at its next poll.
"""

import datetime
import hashlib
import secrets

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.audit import audit_record, audit_request
from accounts.enums import AuditAction, Role
from accounts.policy import Action, Kind, permits, scoped
from treatment_requirements.enums import AppointmentOutcome
from treatment_requirements.models import Appointment, Order

from .calendar import AppointmentFacts, appointment_uid, feed_ics
from .models import CalendarFeed

FEED_PAST_DAYS = 30
FEED_FUTURE_DAYS = 366
FEED_MAX_EVENTS = 2000
# A calendar client polls every 15 minutes or more; a feed answers at most once a minute,
# so a leaked token cannot be used to keep the server busy (a 2,000-event feed takes about
# 1.5 s to write).
FEED_MIN_INTERVAL_SECONDS = 60
# Appointments that no longer take place: left out of the feed.
LEFT_OUT = (AppointmentOutcome.RESCHEDULED, AppointmentOutcome.WITHDRAWN)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def may_have_feed(user) -> bool:
    """Only staff who can hold orders (probation officers) have appointments to feed."""
    return (
        user.is_active
        and user.role == Role.PROBATION_OFFICER
        and permits(user, Action.VIEW, Kind.ORDER)
    )


def live_feed(*, user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


@transaction.atomic
def feed_create(*, user, request=None) -> str:
    """Make the user's feed, revoking any earlier one; returns the token (shown once).

    Side effects: the earlier feed revoked; an audit entry (ids only)."""
    if not may_have_feed(user):
        raise PermissionError("Only probation officers have a calendar feed")
    now = timezone.now()
    CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(user=user, token_hash=token_hash(token), created_at=now)
    _audit(request, user, AuditAction.CREATE, feed, "calendar feed made")
    return token


@transaction.atomic
def feed_revoke(*, user, request=None) -> int:
    """Revoke the user's live feed (its URL answers 404 from now). Side effect: audit entry."""
    feed = live_feed(user=user)
    if feed is None:
        return 0
    CalendarFeed.objects.filter(pk=feed.pk).update(revoked_at=timezone.now())
    _audit(request, user, AuditAction.CHANGE, feed, "calendar feed revoked")
    return 1


def _audit(request, user, action, feed, detail):
    if request is not None:
        audit_request(request, action=action, obj=feed, detail=detail)
    else:
        audit_record(action=action, user=user, obj=feed, detail=detail)


def feed_for_token(token: str) -> CalendarFeed | None:
    """The live feed the token opens, or None. A feed whose user may no longer have one
    (deactivated, or no longer a probation officer) is revoked here."""
    feed = (
        CalendarFeed.objects.select_related("user", "user__team")
        .filter(token_hash=token_hash(token), revoked_at__isnull=True)
        .first()
    )
    if feed is None:
        return None
    if not may_have_feed(feed.user):
        CalendarFeed.objects.filter(pk=feed.pk).update(revoked_at=timezone.now())
        return None
    return feed


def feed_appointments(*, user) -> list[AppointmentFacts]:
    """The appointments in the user's feed (module docstring), soonest first."""
    now = timezone.now()
    orders = scoped(user, Action.VIEW, Kind.ORDER, Order.objects.filter(responsible_officer=user))
    rows = (
        Appointment.objects.filter(
            order__in=orders.values("pk"),
            starts_at__gte=now - datetime.timedelta(days=FEED_PAST_DAYS),
            starts_at__lt=now + datetime.timedelta(days=FEED_FUTURE_DAYS),
        )
        .exclude(outcome__in=LEFT_OUT)
        .order_by("starts_at", "id")
        .values_list("pk", "starts_at", "location", "order_id")[:FEED_MAX_EVENTS]
    )
    return [
        AppointmentFacts(
            uid=appointment_uid(pk, kind="feed-appointment"),
            starts_at=starts_at,
            location=loc,
            order_id=oid,
        )
        for pk, starts_at, loc, oid in rows
    ]


def feed_fetch_allowed(*, feed: CalendarFeed) -> bool:
    """Record this fetch as the feed's last use, unless it was used less than
    FEED_MIN_INTERVAL_SECONDS ago (then False: one conditional UPDATE, so two fetches at
    once cannot both pass)."""
    now = timezone.now()
    recent = now - datetime.timedelta(seconds=FEED_MIN_INTERVAL_SECONDS)
    return bool(
        CalendarFeed.objects.filter(pk=feed.pk)
        .filter(Q(last_used_at__isnull=True) | Q(last_used_at__lte=recent))
        .update(last_used_at=now)
    )


def feed_render(*, feed: CalendarFeed, request=None) -> bytes:
    """The feed's calendar (its last use is recorded by `feed_fetch_allowed`). Side effect:
    an audit entry (ids only, the number of appointments: the fetch is the user's, by their
    secret)."""
    appointments = feed_appointments(user=feed.user)
    audit_record(
        action=AuditAction.EXPORT,
        user=feed.user,
        obj=feed,
        detail=f"calendar feed fetched: {len(appointments)} appointments",
        request=request,
    )
    return feed_ics(appointments)
