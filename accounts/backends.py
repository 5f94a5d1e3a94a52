"""Sign-in backend: Django's ModelBackend, loading each request's user with their team."""

from django.contrib.auth import backends, get_user_model


class ModelBackend(backends.ModelBackend):
    """Every page header names the user's team: fetch it with the user, not in a second query."""

    def get_user(self, user_id):
        try:
            user = get_user_model()._default_manager.select_related("team").get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
