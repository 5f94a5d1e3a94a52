"""Messages to the person about their appointments: the wording and the rules, in one place.

Wording (English and Welsh; text message, email, letter): the person's first name, the day,
date and time ("Monday 7 December at 10:30am"), the place (the appointment's location, else
the supervising team's name) and who to ask for (the order's responsible officer). Never
the requirement, the appointment's purpose, the order type or any health detail; not the
word "probation" either: an appointment is "with <officer>". The fixed phrases use only
characters of the GSM alphabet (no â or ô in the Welsh), so a text's length is counted in
160/153-character fragments: `sms_fragments` (at most 2, tested for the longest inputs).

Rules (`on_appointments_changed`, the receiver of treatment_requirements'
appointments_changed, registered in notifications/apps.py), written in the booking's
transaction:
- booked: one confirmation for the booking (a weekly series: one message naming the first
  appointment and "then every week at the same time until <date>", on the first
  appointment's row), and a reminder per appointment at LD_PERSON_REMINDER_TIME (Europe/
  London) the day before, none when that time has passed already;
- rescheduled: a "new time" message and a new reminder; the old appointment's unsent rows
  withdrawn; cancelled: a cancellation, the unsent rows withdrawn;
- nothing about an appointment already past; letters (to print) are not written for
  reminders: printed and posted the day before, they would arrive after the appointment;
- the state says why a row will not go: the person declined or was not asked (no answer is
  no consent), no detail for their channel, or the officer chose not to send it.
A pending row due now is queued for delivery (notifications.person_message_deliver) on
commit; a reminder due later is picked up by the sweep (notifications.person_delivery).
"""

import datetime
import re
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from core.queueing import enqueue_on_commit
from referrals.contact_details import mask_address, mask_email, mask_mobile
from referrals.enums import ContactChannel, ContactConsent, ContactLanguage
from referrals.models import PersonContact

from .enums import PersonMessageKind as Kind
from .enums import PersonMessageState as State
from .models import PersonMessage

LONDON = zoneinfo.ZoneInfo("Europe/London")
DELIVER_TASK = "notifications.person_message_deliver"
SMS_MAX_FRAGMENTS = 2
# Longest inserted values in a text message (a longer one is cut, at a space if near).
SMS_LIMITS = {"name": 20, "officer": 30, "place": 40}
EN, CY = ContactLanguage.ENGLISH, ContactLanguage.WELSH

DAYS = {
    EN: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    CY: ["Dydd Llun", "Dydd Mawrth", "Dydd Mercher", "Dydd Iau", "Dydd Gwener", "Dydd Sadwrn",
         "Dydd Sul"],
}  # fmt: skip
MONTHS = {
    EN: ["January", "February", "March", "April", "May", "June", "July", "August",
         "September", "October", "November", "December"],
    CY: ["Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf", "Awst",
         "Medi", "Hydref", "Tachwedd", "Rhagfyr"],
}  # fmt: skip

# The fixed phrases: every template is built from these (docs/person-messages.md lists
# them). {name} {officer} {when} {place} {until} {more} are filled in.
PHRASES = {
    EN: {
        "hello": "Hello {name},",
        "dear": "Dear {name},",
        Kind.CONFIRMATION: "You have an appointment with {officer} on {when}.",
        Kind.RESCHEDULED: "Your appointment with {officer} has moved. It is now on {when}.",
        Kind.REMINDER: "This is a reminder of your appointment with {officer} on {when}.",
        Kind.CANCELLED: "Your appointment with {officer} on {when} is cancelled. You do not "
        "need to come. {officer} will contact you about your next appointment.",
        "weekly": "Then every week at the same time until {until}.",
        "fortnightly": "Then every 2 weeks at the same time until {until}.",
        "more": "You have {more} more appointments after this one, the last on {until}.",
        "one_more": "You have one more appointment after this one, on {until}.",
        "where": "Where: {place}.",
        "ask": "Ask for {officer} when you arrive.",
        "ask_short": "Ask for {officer}.",
        "cannot": "If you cannot come, tell {officer} as soon as you can.",
        "sign_off": "Yours sincerely,",
        "subject": {
            Kind.CONFIRMATION: "Your appointment on {day}",
            Kind.RESCHEDULED: "Your appointment has moved to {day}",
            Kind.REMINDER: "Reminder: your appointment on {day}",
            Kind.CANCELLED: "Your appointment on {day} is cancelled",
        },
    },
    # Welsh: natural phrasing for a translator to check (docs/person-messages.md).
    CY: {
        "hello": "Helo {name},",
        "dear": "Annwyl {name},",
        Kind.CONFIRMATION: "Mae gennych apwyntiad gyda {officer} ar {when}.",
        Kind.RESCHEDULED: "Mae eich apwyntiad gyda {officer} wedi newid. Mae nawr ar {when}.",
        Kind.REMINDER: "Dyma nodyn i'ch atgoffa am eich apwyntiad gyda {officer} ar {when}.",
        Kind.CANCELLED: "Mae eich apwyntiad gyda {officer} ar {when} wedi'i ganslo. Does dim "
        "angen i chi ddod. Bydd {officer} yn cysylltu gyda chi am eich apwyntiad nesaf.",
        "weekly": "Yna bob wythnos ar yr un amser tan {until}.",
        "fortnightly": "Yna bob pythefnos ar yr un amser tan {until}.",
        "more": "Mae gennych {more} apwyntiad arall wedyn, yr olaf ar {until}.",
        "one_more": "Mae gennych un apwyntiad arall wedyn, ar {until}.",
        "where": "Ble: {place}.",
        "ask": "Gofynnwch am {officer} pan fyddwch yn cyrraedd.",
        "ask_short": "Gofynnwch am {officer}.",
        "cannot": "Os na allwch ddod, rhowch wybod i {officer} cyn gynted ag y gallwch.",
        "sign_off": "Yn gywir,",
        "subject": {
            Kind.CONFIRMATION: "Eich apwyntiad ar {day}",
            Kind.RESCHEDULED: "Mae eich apwyntiad wedi symud i {day}",
            Kind.REMINDER: "Nodyn atgoffa: eich apwyntiad ar {day}",
            Kind.CANCELLED: "Mae eich apwyntiad ar {day} wedi'i ganslo",
        },
    },
}

# Why a row will not go, in the officer's words (the preview and the record).
WHY_NOT = {
    State.NOT_SENT_DECLINED: "{name} has not agreed to appointment reminders",
    State.NOT_SENT_NO_DETAILS: "{name} agreed to reminders by {channel}, but there is no {detail}",
    State.NOT_SENT_OFFICER: "You chose not to send it",
}
NOT_ASKED = "{name} has not been asked about appointment reminders: not asked counts as no"
DETAIL_NAMES = {
    ContactChannel.SMS: "mobile phone number",
    ContactChannel.EMAIL: "email address",
    ContactChannel.LETTER: "postal address and postcode",
}


# Wording --------------------------------------------------------------------------------


def _clock(moment: datetime.datetime, language: str) -> str:
    if (moment.hour, moment.minute) == (12, 0):
        return "hanner dydd" if language == CY else "midday"
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    if language == CY:
        return f"{hour}{minutes}{'yb' if moment.hour < 12 else 'yh'}"
    return f"{hour}{minutes}{'am' if moment.hour < 12 else 'pm'}"


def day_text(day: datetime.date, language: str, *, with_year: bool = False) -> str:
    """ "Monday 7 December" ("Dydd Llun 7 Rhagfyr"), with the year when asked."""
    text = f"{DAYS[language][day.weekday()]} {day.day} {MONTHS[language][day.month - 1]}"
    return f"{text} {day.year}" if with_year else text


def when_text(starts_at: datetime.datetime, language: str) -> str:
    """ "Monday 7 December at 10:30am" ("Dydd Llun 7 Rhagfyr am 10:30yb"), Europe/London."""
    local = starts_at.astimezone(LONDON)
    joiner = "am" if language == CY else "at"
    return f"{day_text(local.date(), language)} {joiner} {_clock(local, language)}"


@dataclass(frozen=True)
class Facts:
    """What a message may say: nothing else about the appointment reaches it."""

    name: str
    officer: str
    place: str
    starts_at: datetime.datetime
    # A booking of several: the later appointments' times (the confirmation's series line).
    later: tuple[datetime.datetime, ...] = ()


def facts_for(order, times, location: str) -> Facts:
    """The facts of a message about the appointments at `times` (the first named) of
    `order`: the person's first name, the responsible officer, the place."""
    given = order.person.given_name.split()
    return Facts(
        name=given[0] if given else "",
        officer=officer_name(order.responsible_officer),
        place=location or order.probation_team.name,
        starts_at=times[0],
        later=tuple(times[1:]),
    )


def _shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a space when one is near the end."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit * 2 // 3 else cut).rstrip(" ,.")


def _series_line(facts: Facts, phrases: dict, language: str) -> str:
    if not facts.later:
        return ""
    local = [t.astimezone(LONDON) for t in (facts.starts_at, *facts.later)]
    gaps = {(b.date() - a.date()).days for a, b in zip(local, local[1:], strict=False)}
    same_time = len({(t.hour, t.minute) for t in local}) == 1
    last = local[-1].date()
    until = day_text(last, language, with_year=last.year != local[0].year)
    if same_time and gaps in ({7}, {14}):
        return phrases["weekly" if gaps == {7} else "fortnightly"].format(until=until)
    more = "one_more" if len(facts.later) == 1 else "more"
    return phrases[more].format(more=len(facts.later), until=until)


def render(kind: str, language: str, channel: str, facts: Facts) -> str:
    """The message's text exactly as previewed and sent."""
    phrases = PHRASES[language]
    values = {"name": facts.name, "officer": facts.officer, "place": facts.place}
    if channel in (ContactChannel.SMS, ""):
        values = {key: _shorten(value, SMS_LIMITS[key]) for key, value in values.items()}
    values["when"] = when_text(facts.starts_at, language)
    greeting = phrases["dear" if channel == ContactChannel.LETTER else "hello"]
    parts = [phrases[kind]]
    if kind == Kind.CONFIRMATION:
        parts.append(_series_line(facts, phrases, language))
    texting = channel in (ContactChannel.SMS, "")
    if kind != Kind.CANCELLED:
        # A text stays within two fragments: who to ask for, in short.
        more = ["ask_short"] if texting else ["ask", "cannot"]
        parts += [phrases["where"], *(phrases[key] for key in more)]
    sentences = [part.format(**values) for part in parts if part]
    if texting:
        # "Hello Alex, you have an appointment...": one line, the sentence run on.
        first = sentences[0][:1].lower() + sentences[0][1:]
        return " ".join([greeting.format(**values), first, *sentences[1:]])
    closing = [f"{phrases['sign_off']}\n{values['officer']}"] if channel == "letter" else []
    return "\n\n".join([greeting.format(**values), *sentences, *closing])


def subject_for(message: PersonMessage) -> str:
    """An email's subject (Notify's ((subject))): the kind and the day, nothing else."""
    local = message.appointment.starts_at.astimezone(LONDON)
    language = message.language or EN
    day = day_text(local.date(), language)
    return PHRASES[language]["subject"][message.kind].format(day=day)


_GSM = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = set("^{}\\[~]|€")


def sms_fragments(text: str) -> int:
    """How many text message fragments `text` takes: 160/153 GSM characters (an extended
    character counts twice), 70/67 when any character is outside the GSM alphabet."""
    if all(char in _GSM or char in _GSM_EXTENDED for char in text):
        length = len(text) + sum(char in _GSM_EXTENDED for char in text)
        return 1 if length <= 160 else -(-length // 153)
    return 1 if len(text) <= 70 else -(-len(text) // 67)


# Rules ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """Where a message to the person goes, or why it will not."""

    channel: str  # "" when the person has not agreed
    language: str
    state: str  # the state a new row takes, before the officer's choice
    detail: str  # where it goes, masked ("07*** ***123")
    why_not: str  # the officer's words, "" when it goes


def route_for(contact: PersonContact | None, name: str) -> Route:
    """The person's channel and language, and the state a message to them takes."""
    language = contact.language if contact else EN
    if contact is None or contact.reminders != ContactConsent.AGREED:
        asked = contact is not None and contact.reminders == ContactConsent.DECLINED
        reason = WHY_NOT[State.NOT_SENT_DECLINED] if asked else NOT_ASKED
        return Route("", language, State.NOT_SENT_DECLINED, "", reason.format(name=name))
    channel = contact.channel
    detail = {
        ContactChannel.SMS: mask_mobile(contact.mobile),
        ContactChannel.EMAIL: mask_email(contact.email),
        ContactChannel.LETTER: mask_address(contact.postcode)
        if contact.address and contact.postcode
        else "",
    }[channel]
    if not detail:
        reason = WHY_NOT[State.NOT_SENT_NO_DETAILS].format(
            name=name,
            channel=ContactChannel(channel).label.lower(),
            detail=DETAIL_NAMES[channel],
        )
        return Route(channel, language, State.NOT_SENT_NO_DETAILS, "", reason)
    state = State.TO_PRINT if channel == ContactChannel.LETTER else State.PENDING
    return Route(channel, language, state, detail, "")


def person_route(order) -> tuple[Route, str]:
    """The route of messages to the order's person, and their first name."""
    contact = PersonContact.objects.filter(person_id=order.person_id).first()
    given = order.person.given_name.split()
    name = given[0] if given else ""
    return route_for(contact, name), name


def reminder_send_after(starts_at: datetime.datetime) -> datetime.datetime:
    """LD_PERSON_REMINDER_TIME on the day before the appointment, Europe/London (BST or
    GMT as that day has it)."""
    day = starts_at.astimezone(LONDON).date() - datetime.timedelta(days=1)
    hour, minute = (int(part) for part in settings.LD_PERSON_REMINDER_TIME.split(":"))
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LONDON)


def withdraw_unsent(appointment) -> int:
    """The appointment's messages not yet sent (waiting, or a letter not yet printed) will
    not go: it changed first."""
    return PersonMessage.objects.filter(
        appointment=appointment, state__in=[State.PENDING, State.TO_PRINT]
    ).update(state=State.WITHDRAWN)


def officer_name(officer) -> str:
    return officer.get_full_name() or officer.username


def rename_officer(appointments, *, previous) -> int:
    """An order handed over from `previous`: every message about its appointments that has
    not gone yet names the new officer instead (who to ask for, who signs a letter):
    reminders and confirmations waiting, letters not yet printed. Only the name changes (a
    series' dates and the place stay as booked). A message once attempted keeps its words:
    Notify may hold that text already, and the record shows what was sent. Without
    `previous` (a sender that did not say who held them) nothing is renamed."""
    if previous is None:
        return 0
    waiting = PersonMessage.objects.filter(appointment__in=appointments).filter(
        Q(state=State.PENDING, attempts=0) | Q(state=State.TO_PRINT)
    )
    renamed = 0
    for message in waiting.select_related("appointment__order__responsible_officer"):
        new = officer_name(message.appointment.order.responsible_officer)
        body = _replace_name(message.body, officer_name(previous), new, message.channel)
        if body != message.body:
            renamed += PersonMessage.objects.filter(
                pk=message.pk, state=message.state, attempts=message.attempts
            ).update(body=body)
    return renamed


def _replace_name(body: str, old: str, new: str, channel: str) -> str:
    """`body` with the officer's name `old` (as the channel wrote it: a text shortens it)
    replaced by `new`, as a whole name only."""
    if channel in (ContactChannel.SMS, ""):
        old, new = _shorten(old, SMS_LIMITS["officer"]), _shorten(new, SMS_LIMITS["officer"])
    return re.sub(rf"(?<!\w){re.escape(old)}(?!\w)", lambda _match: new, body)


def _write(appointment, kind, facts, route, *, send_after, by, send_to_person, now):
    state = route.state
    if state in (State.PENDING, State.TO_PRINT) and not send_to_person:
        state = State.NOT_SENT_OFFICER
    message, created = PersonMessage.objects.get_or_create(
        appointment=appointment,
        kind=kind,
        defaults={
            "person_id": appointment.order.person_id,
            "channel": route.channel,
            "language": route.language,
            "body": render(kind, route.language, route.channel, facts),
            "state": state,
            "send_after": send_after,
            "next_attempt_at": send_after,
            "created_at": now,
            "created_by": by,
        },
    )
    if created and state == State.PENDING and send_after <= now:
        enqueue_on_commit(DELIVER_TASK, message_id=message.pk)
    return message


def on_appointments_changed(
    sender,
    *,
    change,
    appointments,
    replaced=None,
    by=None,
    send_to_person=True,
    previous_officer=None,
    **kwargs,
):
    """Write the messages a booking, a move or a cancellation calls for (module docstring).
    Side effects: PersonMessage rows, unsent ones withdrawn, delivery queued on commit."""
    from treatment_requirements.signals import (
        BOOKED,
        CANCELLED,
        HANDED_OVER,
        ORDER_ENDED,
        RESCHEDULED,
    )

    now = timezone.now()
    for old in [replaced] if replaced is not None else []:
        withdraw_unsent(old)
    if change in (CANCELLED, ORDER_ENDED):
        for appointment in appointments:
            withdraw_unsent(appointment)
    if change == ORDER_ENDED:
        return  # the officer tells the person the order has ended, never a text
    if change == HANDED_OVER:
        rename_officer(appointments, previous=previous_officer)
        return
    upcoming = [appointment for appointment in appointments if appointment.starts_at > now]
    if not upcoming:
        return
    first, order = upcoming[0], upcoming[0].order
    route, _name = person_route(order)
    kind = {BOOKED: Kind.CONFIRMATION, RESCHEDULED: Kind.RESCHEDULED}.get(change, Kind.CANCELLED)
    times = [a.starts_at for a in upcoming] if change == BOOKED else [first.starts_at]
    written = {"by": by, "send_to_person": send_to_person, "now": now}
    _write(first, kind, facts_for(order, times, first.location), route, send_after=now, **written)
    if change == CANCELLED or route.channel == ContactChannel.LETTER:
        return
    for appointment in upcoming:
        due = reminder_send_after(appointment.starts_at)
        if due > now:
            facts = facts_for(order, [appointment.starts_at], appointment.location)
            _write(appointment, Kind.REMINDER, facts, route, send_after=due, **written)


# The preview on the booking and rescheduling screens -----------------------------------


def message_preview(
    *, order, change, starts_at=None, location="", recurrence="none", count=1
) -> dict:
    """What the booking (change "booked") or the move ("rescheduled") will send the person:
    the exact text for the first appointment (once its date and time are known), where it
    goes (masked), and why nothing will be sent when it will not. The series' times are
    the booking service's (treatment_requirements.services.appointments)."""
    from treatment_requirements.signals import BOOKED

    route, name = person_route(order)
    preview = {
        "name": name,
        "channel": ContactChannel(route.channel).label.lower() if route.channel else "",
        "detail": route.detail,
        "will_send": route.state in (State.PENDING, State.TO_PRINT),
        "why_not": route.why_not,
        "body": "",
        "subject": "",
        "reminder": "",
    }
    if starts_at is None:
        return preview
    weeks = 2 if recurrence == "fortnightly" else 1
    repeats = count if recurrence in ("weekly", "fortnightly") else 1
    times = [starts_at + datetime.timedelta(weeks=weeks) * i for i in range(repeats or 1)]
    upcoming = [moment for moment in times if moment > timezone.now()]
    if not upcoming:
        preview.update(will_send=False, why_not="The appointment is in the past")
        return preview
    kind = Kind.CONFIRMATION if change == BOOKED else Kind.RESCHEDULED
    facts = facts_for(order, upcoming if change == BOOKED else upcoming[:1], location)
    preview["body"] = render(kind, route.language, route.channel, facts)
    if route.channel == ContactChannel.EMAIL:
        day = day_text(upcoming[0].astimezone(LONDON).date(), route.language)
        preview["subject"] = PHRASES[route.language]["subject"][kind].format(day=day)
    if preview["will_send"] and route.channel != ContactChannel.LETTER:
        time = _clock(reminder_send_after(upcoming[0]), EN)
        preview["reminder"] = f"A reminder also goes at {time} the day before each appointment."
    return preview
