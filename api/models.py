"""API clients: a machine (a custody or probation system) calling the API for one team."""

from django.conf import settings
from django.db import models

from accounts.models import Team
from referrals.models import Referral


class ApiClient(models.Model):
    """One registered system: its OAuth2 application (client id and hashed secret), its
    team, its scopes and the service account it acts as. Revoked, never deleted."""

    name = models.CharField(max_length=120, unique=True)
    application = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL,
        on_delete=models.PROTECT,
        related_name="api_client",
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="api_clients")
    # Space-separated, as OAuth2 writes scopes (api.scopes.SCOPES).
    scopes = models.CharField(max_length=200)
    service_user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_client"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # A client reaches people's records: like a new account with a clinical role, it works
    # only once a second administrator (not the one who registered it) approves it.
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    secret_rotated_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None


class ApiClientChange(models.Model):
    """The client's history: registered, secret rotated, revoked (who and when)."""

    class What(models.TextChoices):
        REGISTERED = "registered", "Registered"
        APPROVED = "approved", "Approved"
        ROTATED = "rotated", "Secret rotated"
        REVOKED = "revoked", "Revoked"

    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="changes")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    what = models.CharField(max_length=16, choices=What.choices)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.get_what_display()} {self.at:%Y-%m-%d}"


class IdempotencyKey(models.Model):
    """A create call's Idempotency-Key: the same key and body answer with the same
    referral; the same key with another body is refused (422)."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    body_hash = models.CharField(max_length=64)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="api_idempotency_key_unique")
        ]

    def __str__(self):
        return f"key {self.pk}"
