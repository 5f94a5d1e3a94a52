"""Dashboard figures, read from the overnight snapshot tables only (never the raw records).

`dashboard_for(user=..., selection=...)` returns every figure for one set of filters as
`FigureTable`s whose cells are already disclosure-controlled for the viewer:

- commissioners (Scope.AGGREGATE) see every team, with suppression (reporting.disclosure);
- team leads (Scope.TEAM) see their own team only, with exact figures.

Each table carries its chart data built from the *displayed* cells, so no unrounded count
ever reaches a commissioner's browser. The number of queries is fixed (one per snapshot
table plus reference-data names), whatever the data volume or filters.

By concern: `facts` reads the two fact tables; `figures` names every figure a headline or
a table row shares and shows it through the disclosure rule; `tables` lays the tables and
charts out; `dashboard` puts one dashboard together, with its headlines and cache key.
"""

from .dashboard import (
    Dashboard,
    DashboardMeta,
    Headline,
    dashboard_cache_key,
    dashboard_for,
    disclosure_for,
    latest_run,
    refreshed_label,
)
from .tables import FigureTable, Section

__all__ = [
    "Dashboard",
    "DashboardMeta",
    "FigureTable",
    "Headline",
    "Section",
    "dashboard_cache_key",
    "dashboard_for",
    "disclosure_for",
    "latest_run",
    "refreshed_label",
]
