"""Signals other apps listen to (they import referrals, never the other way round)."""

from django.dispatch import Signal

# Sent with referral=<Referral> after its details (received time among them) were edited.
referral_changed = Signal()
