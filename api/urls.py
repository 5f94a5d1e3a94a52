from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from . import admin_views, docs_views, orders, views
from .token import AuditedTokenView

app_name = "api"

urlpatterns = [
    # OAuth2 client credentials: client id and secret in, a bearer token out; audited.
    path("oauth/token/", login_not_required(AuditedTokenView.as_view()), name="token"),
    path("referrals/", views.ReferralCreate.as_view(), name="referral_create"),
    path("referrals/<int:pk>/", views.ReferralDetail.as_view(), name="referral_detail"),
    path("orders/", orders.OrderList.as_view(), name="order_list"),
    path("orders/<int:pk>/", orders.OrderDetail.as_view(), name="order_detail"),
    path(
        "orders/<int:pk>/appointments/",
        orders.OrderAppointments.as_view(),
        name="order_appointments",
    ),
    path(
        "appointments/<int:pk>/outcome/",
        orders.AppointmentOutcome.as_view(),
        name="appointment_outcome",
    ),
    # The contract, and a page to read it in the service's own layout, built from it.
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
    path("docs/", docs_views.api_docs, name="docs"),
    # Last: any other address here answers in problem+json, as the API does everywhere.
    path("<path:rest>", views.NoSuchEndpoint.as_view(), name="not_found"),
]

# The administrators' screens for clients live under /administration/ (config/urls.py).
admin_urlpatterns = [
    path("administration/api-clients/", admin_views.client_list, name="client_list"),
    path("administration/api-clients/new/", admin_views.client_create, name="client_create"),
    path("administration/api-clients/<int:pk>/", admin_views.client_detail, name="client_detail"),
    path(
        "administration/api-clients/<int:pk>/approve/",
        admin_views.client_approve,
        name="client_approve",
    ),
    path(
        "administration/api-clients/<int:pk>/rotate/",
        admin_views.client_rotate,
        name="client_rotate",
    ),
    path(
        "administration/api-clients/<int:pk>/revoke/",
        admin_views.client_revoke,
        name="client_revoke",
    ),
]
