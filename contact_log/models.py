"""The contact log: typed contacts with a note on a person, never edited in place.

A contact's text is fixed once saved. Corrections are addenda (ContactAddendum, with a
reason); a contact recorded in error is marked so (reason, by, at) and stays visible, struck
through. A note may be restricted (visible to its author's team only, as every contact is,
and withheld from subject access export) until a review releases it. ContactEvent keeps the
history of each step (ids and codes only, never text).
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinLengthValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.utils import timezone

from accounts.models import Team
from assessments.models import Assessment
from core.models import VersionedModel
from core.urls import url_for_id
from referrals.models import Person, Referral
from treatment_requirements.models import Order

from .enums import (
    ContactEventKind,
    ContactOutcome,
    ContactType,
    RestrictionDecision,
    RestrictionReason,
)

NOTE_MAX = 12_000
# The earliest a contact may be dated: a year back covers late entry of paper notes; an
# older date is a typing error far more often than a real contact.
EARLIEST_CONTACT = datetime.timedelta(days=366)
FUTURE_MESSAGE = "Time of the contact must be now or in the past"
TOO_OLD_MESSAGE = "Date of the contact must be within the last year"


def contact_time_problem(when: datetime.datetime, *, now=None) -> str:
    """Why `when` cannot be a contact's date and time, or "" (past or now; within a year)."""
    now = now or timezone.now()
    if when > now:
        return FUTURE_MESSAGE
    if when < now - EARLIEST_CONTACT:
        return TOO_OLD_MESSAGE
    return ""


def earliest_contact_day(*, now=None) -> datetime.date:
    """The first day every moment of which passes contact_time_problem's "within a year" (the
    bound of the form's date box)."""
    now = now or timezone.now()
    return timezone.localdate(now - EARLIEST_CONTACT) + datetime.timedelta(days=1)


class ContactQuerySet(models.QuerySet):
    def withheld(self):
        """Restricted and not released by a review: kept from subject access export."""
        return self.filter(withheld_q())


def withheld_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}restricted": True}) & ~Q(
        **{f"{prefix}restriction_decision": RestrictionDecision.RELEASE}
    )


class Contact(VersionedModel):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="contacts")
    contact_type = models.CharField("Type of contact", max_length=16, choices=ContactType.choices)
    contact_at = models.DateTimeField("Date and time of the contact")
    outcome = models.CharField(max_length=16, choices=ContactOutcome.choices)
    with_whom = models.CharField("With whom", max_length=200, blank=True)
    note = models.TextField(
        max_length=NOTE_MAX,
        validators=[MinLengthValidator(1), MaxLengthValidator(NOTE_MAX)],
    )
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    author_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    # At most one linked record, of the same person (checked by services.contact_create).
    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="contacts"
    )
    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, null=True, blank=True, related_name="contacts"
    )
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, null=True, blank=True, related_name="contacts"
    )
    restricted = models.BooleanField(default=False)
    restriction_reason = models.CharField(
        max_length=16, choices=RestrictionReason.choices, blank=True
    )
    restricted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    restricted_at = models.DateTimeField(null=True, blank=True)
    restriction_decision = models.CharField(
        max_length=8, choices=RestrictionDecision.choices, blank=True
    )
    restriction_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    restriction_reviewed_at = models.DateTimeField(null=True, blank=True)
    in_error_at = models.DateTimeField(null=True, blank=True)
    in_error_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    in_error_reason = models.CharField("Why it was recorded in error", max_length=500, blank=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["person", "-contact_at", "-id"], name="contact_person_log"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(LessThanOrEqual(Length("note"), NOTE_MAX))
                & Q(GreaterThanOrEqual(Length("note"), 1)),
                name="contact_note_length",
            ),
            models.CheckConstraint(
                condition=(
                    Q(referral__isnull=True, assessment__isnull=True)
                    | Q(referral__isnull=True, order__isnull=True)
                    | Q(assessment__isnull=True, order__isnull=True)
                ),
                name="contact_links_at_most_one",
            ),
            models.CheckConstraint(
                condition=Q(restricted=False, restriction_reason="", restriction_decision="")
                | Q(restricted=True, restricted_at__isnull=False) & ~Q(restriction_reason=""),
                name="contact_restriction_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(restriction_decision="", restriction_reviewed_at__isnull=True)
                | ~Q(restriction_decision="") & Q(restriction_reviewed_at__isnull=False),
                name="contact_review_complete",
            ),
            models.CheckConstraint(
                condition=Q(in_error_at__isnull=False) | Q(in_error_reason=""),
                name="contact_in_error_reason_with_date",
            ),
        ]

    def __str__(self):
        return f"Contact {self.pk} ({self.get_contact_type_display()})"

    def get_absolute_url(self):
        return url_for_id("contact_log:contact_detail", self.pk)

    def clean(self):
        if self.contact_at and (problem := contact_time_problem(self.contact_at)):
            raise ValidationError({"contact_at": problem})
        links = [self.referral_id, self.assessment_id, self.order_id]
        if sum(link is not None for link in links) > 1:
            raise ValidationError("Link the contact to one record at most")

    @property
    def is_in_error(self) -> bool:
        return self.in_error_at is not None

    @property
    def is_withheld(self) -> bool:
        """Restricted and not released by a review."""
        return self.restricted and self.restriction_decision != RestrictionDecision.RELEASE

    @property
    def linked_record(self):
        return self.referral or self.assessment or self.order


class ContactAddendum(models.Model):
    """A correction or addition to a contact; the contact's own text never changes."""

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="addenda")
    text = models.TextField(
        "Addendum", max_length=NOTE_MAX, validators=[MaxLengthValidator(NOTE_MAX)]
    )
    reason = models.CharField("Reason for the addendum", max_length=500)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name_plural = "contact addenda"
        constraints = [
            models.CheckConstraint(
                condition=Q(LessThanOrEqual(Length("text"), NOTE_MAX)),
                name="contact_addendum_text_length",
            ),
        ]

    def __str__(self):
        return f"Addendum to contact {self.contact_id}"


class ContactEvent(models.Model):
    """One step in a contact's history: who did what, when (no text: that is on the rows)."""

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=12, choices=ContactEventKind.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} (contact {self.contact_id})"
