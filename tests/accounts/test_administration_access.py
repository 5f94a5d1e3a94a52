"""The administration screens are for administrators only: every other role is refused every
screen and nothing changes.
"""

import pytest
from django.urls import reverse

from accounts.enums import AuditAction, Role, TeamKind
from accounts.models import AuditEvent, TeamChange, UserChange
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


# Other roles ---------------------------------------------------------------------------------

ADMIN_URLS = [
    ("accounts:admin_user_list", False),
    ("accounts:admin_user_create", False),
    ("accounts:admin_user_detail", "user"),
    ("accounts:admin_user_role_team", "user"),
    ("accounts:admin_user_active", "user"),
    ("accounts:admin_user_two_factor_required", "user"),
    ("accounts:admin_user_two_factor_reset", "user"),
    ("accounts:admin_team_list", False),
    ("accounts:admin_team_create", False),
    ("accounts:admin_team_detail", "team"),
    ("accounts:admin_team_rename", "team"),
    ("accounts:admin_team_active", "team"),
    ("accounts:admin_site_create", "team"),
    ("accounts:admin_site_rename", "site"),
    ("accounts:admin_site_active", "site"),
]


READ_ONLY = {
    "accounts:admin_user_list",
    "accounts:admin_user_detail",
    "accounts:admin_team_list",
    "accounts:admin_team_detail",
}


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMINISTRATOR])
def test_every_other_role_is_refused_every_screen_and_nothing_changes(client, team, site, role):
    visitor = UserFactory(role=role, team=team, is_staff=True)
    target = UserFactory(team=team, first_name="Victoria", last_name="Quarrington")
    client.force_login(visitor)
    args = {"user": [target.pk], "team": [team.pk], "site": [team.pk, site.pk], False: []}
    data = {"role": Role.ADMINISTRATOR, "team": team.pk, "reason": "x", "version": 1}
    data |= {"name": "Taken over", "kind": TeamKind.ADMINISTRATION}

    for name, kind in ADMIN_URLS:
        url = reverse(name, args=args[kind])
        answers = [client.get(url)]
        if name not in READ_ONLY:
            answers.append(client.post(url, data))
        for response in answers:
            assert response.status_code == 403, name
            assert "Quarrington" not in response.content.decode(), name

    target.refresh_from_db()
    team.refresh_from_db()
    assert (target.role, target.is_active, team.name, team.is_active) == (
        Role.PRACTITIONER,
        True,
        "Cambridgeshire & Peterborough L&D",
        True,
    )
    assert not UserChange.objects.exists() and not TeamChange.objects.exists()
    assert AuditEvent.objects.filter(user=visitor, action=AuditAction.REFUSED).count() == 26


def test_the_navigation_takes_administrators_to_the_user_list(administrator_client):
    body = administrator_client.get(reverse("accounts:admin_team_list")).content.decode()

    assert f'href="{reverse("accounts:admin_user_list")}"' in body
