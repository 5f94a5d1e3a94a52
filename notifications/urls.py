from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/read/", views.reminder_read, name="reminder_read"),
    path("read-all/", views.read_all, name="read_all"),
    path("preference/", views.preference, name="preference"),
]
