from django.urls import path

from . import calendar_views

app_name = "calendar"

urlpatterns = [
    path("", calendar_views.calendar_feed_page, name="feed_page"),
    path("feed/new/", calendar_views.calendar_feed_create, name="feed_create"),
    path("feed/revoke/", calendar_views.calendar_feed_revoke, name="feed_revoke"),
    path("feed/<str:token>.ics", calendar_views.calendar_feed_ics, name="feed"),
]
