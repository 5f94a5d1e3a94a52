from django.conf import settings


def service(request):
    """The service's name and desk, on every page (the role's navigation is
    accounts.context_processors.navigation: roles belong to accounts)."""
    return {
        "service_name": settings.LD_SERVICE_NAME,
        "service_desk_email": settings.LD_SERVICE_DESK_EMAIL,
    }
