"""Writes of the caseload itself (not of a case): when the user last looked at it."""

import datetime

from django.db import transaction

from ..models import CaseloadLook


@transaction.atomic
def caseload_look_record(*, user, looked_at: datetime.datetime) -> None:
    """Remember that `user` saw the orders allocated to them up to `looked_at` ("New to me"
    lists those allocated after it). Never moves back: of two tabs opened in turn, the
    later look stands."""
    look, created = CaseloadLook.objects.select_for_update().get_or_create(
        user=user, defaults={"looked_at": looked_at}
    )
    if not created and look.looked_at < looked_at:
        look.looked_at = looked_at
        look.save(update_fields=["looked_at"])
