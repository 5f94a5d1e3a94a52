import json

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models

from .audit_key import sign
from .enums import (
    AccessRequestKind,
    AccessRequestStatus,
    AccountChangeKind,
    AuditAction,
    BankHolidays,
    Role,
    SiteKind,
    TeamKind,
)


class Team(models.Model):
    """A service area or organisation: an L&D service, a probation unit, a provider."""

    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=32, choices=TeamKind.choices)
    area = models.CharField(max_length=120, blank=True, help_text="Region or local area served")
    # Where the team works: its appointments' bank holiday warnings and its working days.
    bank_holidays = models.CharField(
        max_length=32, choices=BankHolidays.choices, default=BankHolidays.ENGLAND_AND_WALES
    )
    is_active = models.BooleanField(default=True)
    # Optimistic locking for the administration screens (core.concurrency.save_if_current).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def active_people_and_clients(self) -> tuple[int, bool]:
        """(how many active people belong to the team, whether an active API client does):
        a team with either is not deactivated."""
        members = self.members.filter(is_active=True)
        return members.people().count(), members.filter(is_service_account=True).exists()


class Site(models.Model):
    """A custody suite, court or office where a team takes referrals (reference data)."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="sites")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=32, choices=SiteKind.choices)
    is_active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["team__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "name"], name="site_unique_name_per_team")
        ]

    def __str__(self):
        return self.name


class UserQuerySet(models.QuerySet):
    def people(self):
        """Accounts of people: never an API client's service account (a machine acting for
        its team). Every list of a team's users (whom to assign, allocate, count in the
        workload, remind, administer) starts here."""
        return self.filter(is_service_account=False)


class PeopleUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.PRACTITIONER)
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    job_title = models.CharField(max_length=120, blank=True)
    two_factor_required = models.BooleanField(
        "Require two-factor sign-in",
        default=False,
        help_text="Set by an administrator for this user, whatever their role's policy says",
    )
    # Set once, when an API client is registered (api.services.client_register): the
    # account a machine acts as, which the access policy treats as a member of its team but
    # which is never offered or counted as a person (User.objects.people()).
    is_service_account = models.BooleanField(default=False, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = PeopleUserManager()

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def display_name(self):
        return self.get_full_name() or self.username


class RolePolicy(models.Model):
    """Sign-in rules an administrator sets per role (edited in the Django admin)."""

    role = models.CharField(max_length=32, choices=Role.choices, unique=True)
    require_two_factor = models.BooleanField(
        "Require two-factor sign-in",
        default=False,
        help_text="Users with this role must enrol an authenticator app and use it at sign-in",
    )

    class Meta:
        ordering = ["role"]
        verbose_name = "role sign-in policy"
        verbose_name_plural = "role sign-in policies"

    def __str__(self):
        return self.get_role_display()

    @classmethod
    def requires_two_factor(cls, role) -> bool:
        return cls.objects.filter(role=role, require_two_factor=True).exists()


class UserSession(models.Model):
    """One signed-in session of a user, written at sign-in (accounts.user_sessions), so the
    user can see and end their sessions and an administrator can end them all. The row goes
    when the session is signed out or ended; one whose session expired is not shown."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # A summary such as "Chrome on Windows", never the full header.
    device = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["-last_seen_at", "-id"]

    def __str__(self):
        return f"{self.user} {self.device or 'unknown device'}"


class AccountChange(models.Model):
    """One change an administrator made (shared fields of the history of users and teams).

    `before` and `after` are what a reader sees (a role's label, a team's name), kept as
    text so the history still reads after the team is renamed.
    """

    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    what = models.CharField(max_length=32, choices=AccountChangeKind.choices)
    before = models.CharField(max_length=200, blank=True)
    after = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["-at", "-id"]


class UserChange(AccountChange):
    """The history of one user account: who changed what, when, from what to what, and why."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="changes")

    class Meta(AccountChange.Meta):
        verbose_name = "change to a user"

    def __str__(self):
        return f"{self.user} {self.get_what_display()}"


class AccessChangeRequest(models.Model):
    """Clinical access waiting for a second administrator: a role or team change that gives
    it, or a new or deactivated account with such a role to activate (`kind`).

    `from_role`/`from_team` are the user's at the request: an approval is refused if either
    has changed since (the request was made against something no longer true); for a new
    account or a reactivation they equal `role`/`team`. Neither the requester nor the user
    it is about may decide it (services in access_requests.py).
    """

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="access_requests")
    kind = models.CharField(
        max_length=16, choices=AccessRequestKind.choices, default=AccessRequestKind.ROLE_TEAM
    )
    from_role = models.CharField(max_length=32, choices=Role.choices)
    from_team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    role = models.CharField(max_length=32, choices=Role.choices)
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField()
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=16, choices=AccessRequestStatus.choices, default=AccessRequestStatus.PENDING
    )
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # One waiting request per user: a second would be decided against a stale state.
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status="pending"),
                name="access_request_one_pending_per_user",
            )
        ]

    def __str__(self):
        return f"Access change request {self.pk}"

    @property
    def activates(self) -> bool:
        """Does approving it activate the account (a new account or a reactivation)?"""
        return self.kind != AccessRequestKind.ROLE_TEAM

    @property
    def before(self) -> str:
        """What the user has now, as the screens and the history read it."""
        if self.kind == AccessRequestKind.NEW_ACCOUNT:
            return "New account, not active"
        label = f"{self.get_from_role_display()}, {self.from_team or 'no team'}"
        return f"Deactivated: {label}" if self.activates else label

    @property
    def after(self) -> str:
        """What approving it gives."""
        label = f"{self.get_role_display()}, {self.team or 'no team'}"
        return f"Active: {label}" if self.activates else label


class TeamChange(AccountChange):
    """The history of one team and its sites (`site` set for a change to one of them)."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="changes")
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="changes"
    )

    class Meta(AccountChange.Meta):
        verbose_name = "change to a team"

    def __str__(self):
        return f"{self.team} {self.get_what_display()}"


class AppendOnlyError(Exception):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk UPDATE and DELETE are refused too (PostgreSQL also refuses them by trigger)."""

    def update(self, **kwargs):
        raise AppendOnlyError("Audit entries cannot be changed")

    def delete(self):
        raise AppendOnlyError("Audit entries cannot be deleted")


class AuditEvent(models.Model):
    """One line of the append-only audit trail.

    Holds no personal data beyond ids: the person is referenced by id so the entry
    survives anonymisation. Each entry carries the keyed hash of the previous one, so an
    edit made directly in the database breaks the chain, and signed checkpoints kept outside
    the database reveal removed entries (see accounts.audit_chain).
    """

    at = models.DateTimeField(db_index=True)
    user = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True)
    username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=24, choices=AuditAction.choices)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    person_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    detail = models.CharField(max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["user", "at"], name="audit_user_at"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_type}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries cannot be deleted")

    def chain_payload(self) -> str:
        """What the entry's hash covers: its fields and the previous entry's hash."""
        return json.dumps(
            [
                self.previous_hash,
                self.at.isoformat(),
                self.user_id,
                self.username,
                self.action,
                self.object_type,
                self.object_id,
                self.person_id,
                self.detail,
                self.ip_address,
            ],
            separators=(",", ":"),
        )

    def compute_hash(self, key: bytes | None = None):
        """HMAC-SHA256 under the audit key, which the database does not hold
        (accounts.audit_key): rewriting entries and recomputing hashes needs the key."""
        return sign(self.chain_payload(), key)
