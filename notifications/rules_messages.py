"""A message to the person that could not be delivered: the officer hears of it.

- `message_undelivered(message)`: an inbox reminder (email as the recipient prefers) to the
  order's responsible officer, or, when that officer's account is no longer active, to the
  probation team's leads (none: its active officers); the title names the order's
  reference only.
- `person_undelivered_alert(request, person)`: the alert on every page about the person
  (registered with referrals.selectors.register_person_alert), shown while the latest
  message by a channel that Notify gave a verdict on failed permanently and the contact
  details were not changed since; only to users who may see one of the person's orders.
"""

from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from accounts.enums import Role
from accounts.models import User
from accounts.policy import Action, Kind, permits
from referrals.enums import ContactChannel
from referrals.models import Person
from treatment_requirements.selectors import orders_visible

from .enums import PersonMessageState, ReminderKind
from .models import PersonMessage
from .rules import link_to, team_leads_by_team
from .services import ReminderSpec, reminders_create

# What the officer is told, per channel: the message, and what to check.
CHANNEL_WORDS = {
    ContactChannel.SMS: ("A text message", "check their mobile number"),
    ContactChannel.EMAIL: ("An email", "check their email address"),
}
# States in which Notify has said whether the message reached the person.
VERDICTS = (
    PersonMessageState.DELIVERED,
    PersonMessageState.PERMANENT_FAILURE,
    PersonMessageState.TEMPORARY_FAILURE,
    PersonMessageState.TECHNICAL_FAILURE,
)


def message_undelivered(message: PersonMessage) -> int:
    """Write the reminder about a message Notify could not deliver; returns rows written
    (0 when it exists already: the key is the message, the kind, the day and the
    recipient). Side effects: reminders_create's (its email queued on commit)."""
    order = message.appointment.order
    what = CHANNEL_WORDS.get(message.channel, ("A message", ""))[0]
    specs = [
        ReminderSpec(
            kind=ReminderKind.MESSAGE_UNDELIVERED,
            subject_type="notifications.personmessage",
            subject_id=message.pk,
            due_on=timezone.localdate(),
            recipient_id=recipient,
            title=f"{what} about order {order.reference} was not delivered",
            link=link_to("treatment_requirements:order_detail", order.pk),
        )
        for recipient in _recipients(order)
    ]
    return reminders_create(specs=specs) if specs else 0


def _recipients(order) -> list[int]:
    """The responsible officer; if their account is closed, the team's leads, and if the
    team has none (probation teams rarely do), its active probation officers."""
    if order.responsible_officer.is_active:
        return [order.responsible_officer_id]
    team = order.probation_team_id
    leads = team_leads_by_team([team]).get(team, [])
    if leads:
        return leads
    officers = User.objects.people().filter(
        team_id=team, role=Role.PROBATION_OFFICER, is_active=True
    )
    return list(officers.order_by("pk").values_list("pk", flat=True))


def _latest_verdict(channel: str, field: str) -> Subquery:
    latest = PersonMessage.objects.filter(
        person_id=OuterRef("pk"), channel=channel, state__in=VERDICTS
    ).order_by("-created_at", "-id")
    return Subquery(latest.values(field)[:1])


def undelivered_channels(person: Person) -> list[str]:
    """The channels whose latest message with Notify's verdict failed permanently after the
    person's contact details were last changed. One query."""
    annotations = {"contact_changed_at": F("contact__updated_at")}
    for channel in CHANNEL_WORDS:
        annotations[f"{channel}_state"] = _latest_verdict(channel, "state")
        annotations[f"{channel}_at"] = _latest_verdict(channel, "status_at")
    people = Person.objects.filter(pk=person.pk).order_by().annotate(**annotations)
    row = next(iter(people.values(*annotations)[:1]), None)
    if row is None:
        return []
    changed = row["contact_changed_at"]
    return [
        channel
        for channel in CHANNEL_WORDS
        if row[f"{channel}_state"] == PersonMessageState.PERMANENT_FAILURE
        and (changed is None or row[f"{channel}_at"] is None or changed <= row[f"{channel}_at"])
    ]


def person_undelivered_alert(request, person: Person) -> dict | None:
    """The alert about undelivered messages, for users who may see the person's orders."""
    user = request.user
    if not permits(user, Action.VIEW, Kind.ORDER):
        return None
    channels = undelivered_channels(person)
    if not channels or not orders_visible(user).filter(person=person).exists():
        return None
    lines = [
        f"{CHANNEL_WORDS[channel][0]} to this person could not be delivered: "
        f"{CHANNEL_WORDS[channel][1]}"
        for channel in channels
    ]
    return {"template": "notifications/_person_undelivered_alert.html", "context": {"lines": lines}}
