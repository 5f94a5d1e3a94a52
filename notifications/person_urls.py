"""The messages to the person, on the person's record and as letters to print."""

from django.urls import path

from . import person_views

app_name = "person_messages"

urlpatterns = [
    path("people/<int:pk>/messages/", person_views.person_messages, name="person_messages"),
    path("messages/<int:pk>/letter/", person_views.person_letter, name="letter"),
    path(
        "messages/<int:pk>/letter/printed/",
        person_views.person_letter_printed,
        name="letter_printed",
    ),
]
