from django.db.models import QuerySet

from .models import Programme


def programmes_for_user(user) -> QuerySet[Programme]:
    """The programmes a user works on: all of them for admins, their own for members."""
    if not user.is_authenticated:
        return Programme.objects.none()
    if user.is_superuser:
        return Programme.objects.all()
    return Programme.objects.filter(memberships__user=user).distinct()
