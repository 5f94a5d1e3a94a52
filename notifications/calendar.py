"""iCalendar (RFC 5545) for appointments: the invites emailed to staff and the personal feed.

What an event says is fixed here, once: the time (TZID Europe/London, with its VTIMEZONE),
the place, a neutral title naming the order by its reference ("Appointment (order
CO000123)") and a link to the order. Never the person's name or identifiers, nor the
appointment's purpose (it may hold health detail): invites go by email and feeds sit in
calendars outside the service.
"""

import datetime
from dataclasses import dataclass
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vCalAddress

from treatment_requirements.services.booking import appointment_length

LONDON = ZoneInfo("Europe/London")
PRODID = "-//NHS L&D and CSTR//Appointments//EN"
# How far back a reschedule chain is followed for its first appointment (its uid).
MAX_CHAIN = 200


@dataclass(frozen=True)
class AppointmentFacts:
    """What a calendar may say about one appointment: when, where, which order."""

    uid: str
    starts_at: datetime.datetime
    location: str
    order_id: int
    sequence: int = 0


def order_reference(order_id: int) -> str:
    """The order's reference as reminders and pages give it (treatment_requirements Order)."""
    return f"CO{order_id:06d}"


def event_title(order_id: int) -> str:
    return f"Appointment (order {order_reference(order_id)})"


def order_url(order_id: int) -> str:
    """The absolute link to the order page (SITE_URL, as reminder emails use)."""
    path = reverse("treatment_requirements:order_detail", args=[order_id])
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def appointment_uid(first_appointment_id: int, *, kind: str = "appointment") -> str:
    """The event's uid: the first appointment of a chain of reschedules, and this site.

    The feed's events are named apart (`kind="feed-appointment"`, by each appointment's
    own id): a feed is a calendar of its own, not the invites' events."""
    host = urlsplit(settings.SITE_URL).hostname or "ld-cstr"
    return f"{kind}-{first_appointment_id}@{host}"


def london_timezone() -> Timezone:
    """Europe/London's VTIMEZONE by its rule (last Sundays of March and October), compact
    and valid for every year since 1996."""
    tz = Timezone()
    tz.add("tzid", "Europe/London")
    standard = TimezoneStandard()
    standard.add("dtstart", datetime.datetime(1970, 10, 25, 2, 0))
    standard.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1su"})
    standard.add("tzoffsetfrom", datetime.timedelta(hours=1))
    standard.add("tzoffsetto", datetime.timedelta(hours=0))
    standard.add("tzname", "GMT")
    daylight = TimezoneDaylight()
    daylight.add("dtstart", datetime.datetime(1970, 3, 29, 1, 0))
    daylight.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1su"})
    daylight.add("tzoffsetfrom", datetime.timedelta(hours=0))
    daylight.add("tzoffsetto", datetime.timedelta(hours=1))
    daylight.add("tzname", "BST")
    tz.add_component(standard)
    tz.add_component(daylight)
    return tz


def appointment_event(facts: AppointmentFacts, *, cancelled: bool = False, link: str = "") -> Event:
    """The VEVENT for one appointment, its times in Europe/London (`link`: the order's, if
    the caller has it already)."""
    starts = facts.starts_at.astimezone(LONDON)
    link = link or order_url(facts.order_id)
    event = Event()
    event.add("uid", facts.uid)
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("sequence", facts.sequence)
    event.add("dtstart", starts)
    event.add("dtend", (facts.starts_at + appointment_length()).astimezone(LONDON))
    event.add("summary", event_title(facts.order_id))
    if facts.location:
        event.add("location", facts.location)
    event.add("url", link)
    event.add("description", f"The order: {link}")
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def _calendar(*, method: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    cal.add_component(london_timezone())
    return cal


def invite_ics(facts: AppointmentFacts, *, method: str, attendee_email: str) -> bytes:
    """An invite (METHOD:REQUEST) or its cancellation (METHOD:CANCEL) to one member of
    staff, from the service's address."""
    cal = _calendar(method=method)
    event = appointment_event(facts, cancelled=method == "CANCEL")
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
    organizer.params["cn"] = "L&D and CSTR"
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{attendee_email}")
    attendee.params.update({"role": "REQ-PARTICIPANT", "rsvp": "FALSE"})
    event.add("attendee", attendee)
    cal.add_component(event)
    return cal.to_ical()


def feed_ics(appointments: list[AppointmentFacts]) -> bytes:
    """A published calendar (no METHOD: a feed, not a message) of the appointments."""
    cal = _calendar()
    cal.add("x-wr-calname", "Appointments (L&D and CSTR)")
    cal.add("x-wr-timezone", "Europe/London")
    links: dict[int, str] = {}  # one reverse() per order, not per appointment
    for facts in appointments:
        if facts.order_id not in links:
            links[facts.order_id] = order_url(facts.order_id)
        cal.add_component(appointment_event(facts, link=links[facts.order_id]))
    return cal.to_ical()
