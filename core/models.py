"""Abstract building blocks shared by the domain apps."""

from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(TimeStampedModel):
    """A record two people may edit at once: saves go through core.concurrency."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True
