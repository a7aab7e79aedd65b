from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model


def demo_account(
    email: str, password: str, *, first_name: str = "", last_name: str = "", superuser: bool = False
):
    """The demo account with this e-mail address, verified, created with `password`.

    A password changed since the first load is kept: loading again changes nothing.
    """
    User = get_user_model()
    user, created = User.objects.get_or_create(
        email=email, defaults={"first_name": first_name, "last_name": last_name}
    )
    if created:
        user.set_password(password)
    user.is_superuser = user.is_staff = superuser
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user
