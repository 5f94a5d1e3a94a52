"""Writes of the caseload itself (not of a case): when the user last looked at it."""

import datetime

from ..models import CaseloadLook


def caseload_look_record(*, user, looked_at: datetime.datetime) -> None:
    """Remember that `user` saw the orders allocated to them up to `looked_at` ("New to me"
    lists those allocated after it). One statement (an upsert on the user), first look or
    not, so the caseload's query count does not change with it."""
    CaseloadLook.objects.bulk_create(
        [CaseloadLook(user=user, looked_at=looked_at)],
        update_conflicts=True,
        unique_fields=["user"],
        update_fields=["looked_at"],
    )
