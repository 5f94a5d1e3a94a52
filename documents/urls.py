from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("people/<int:pk>/documents/", views.person_documents, name="person_documents"),
    path("people/<int:pk>/documents/new/", views.document_upload, name="document_upload"),
    path("documents/<int:pk>/download/", views.document_download, name="document_download"),
    path("documents/<int:pk>/remove/", views.document_remove, name="document_remove"),
]
