"""Small query helpers shared by the apps' selectors."""

from django.db.models import QuerySet


def capped_count(queryset: QuerySet, cap: int) -> int:
    """The number of rows, but at most cap + 1: counting stops there, so a page can say
    "1,000+" without scanning every matching row of a large table."""
    return queryset.order_by().values("pk")[: cap + 1].count()
