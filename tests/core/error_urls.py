"""The service's URLs plus one view that fails, to see the 500 page a real failure gets."""

from django.urls import path

from config.urls import handler400, handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as service_urlpatterns


def _fails(request, pk):
    raise RuntimeError(f"Referral {pk} of Jane Example could not be read")


urlpatterns = [path("fails/<int:pk>/", _fails), *service_urlpatterns]
