"""What the dashboard shows, read for the tests."""

from django.urls import reverse


def dashboard_table(client, key, **params) -> dict:
    """One table of the dashboard page as {first cell: the rest of the row}."""
    response = client.get(reverse("reporting:dashboard"), params)
    assert response.status_code == 200
    return {row[0]: row[1:] for row in response.context["dashboard"].table(key).rows}
