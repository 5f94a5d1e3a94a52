"""Reads for the administration screens (administrators see every account and team)."""

from django.db.models import Count, Prefetch, Q

from ..enums import AccessRequestStatus
from ..models import AccessChangeRequest, Site, Team, TeamChange, User, UserChange


def user_search(*, text="", role="", team=None, active=None):
    """Users matching every word of `text` (in their names, username or email) and the
    filters, by surname; with their team, no query per row."""
    users = User.objects.people().select_related("team").order_by("last_name", "first_name", "id")
    for word in text.split():
        users = users.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(username__icontains=word)
            | Q(email__icontains=word)
        )
    if role:
        users = users.filter(role=role)
    if team is not None:
        users = users.filter(team=team)
    if active is not None:
        users = users.filter(is_active=active)
    return users


def user_with_history(pk):
    history = UserChange.objects.select_related("by").order_by("-at", "-id")
    return (
        User.objects.people()
        .select_related("team")
        .prefetch_related(Prefetch("changes", queryset=history, to_attr="history"))
        .get(pk=pk)
    )


def team_list():
    """Every team by name, with its number of active users and sites."""
    return Team.objects.annotate(
        active_members=Count(
            "members", filter=Q(members__in=User.objects.people().filter(is_active=True))
        ),
        site_count=Count("sites", distinct=True),
    ).order_by("name")


def team_with_sites_and_history(pk):
    history = TeamChange.objects.select_related("by", "site").order_by("-at", "-id")
    return Team.objects.prefetch_related(
        Prefetch("sites", queryset=Site.objects.order_by("name")),
        Prefetch("changes", queryset=history, to_attr="history"),
    ).get(pk=pk)


def pending_access_requests():
    """Role and team changes waiting for a second administrator, oldest first."""
    return AccessChangeRequest.objects.filter(status=AccessRequestStatus.PENDING).select_related(
        "user", "from_team", "team", "requested_by"
    )


def access_request(pk):
    return AccessChangeRequest.objects.select_related(
        "user", "from_team", "team", "requested_by", "decided_by"
    ).get(pk=pk)
