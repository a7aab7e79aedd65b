from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from programs.models import ApiToken, Programme
from programs.queries import programmes_for_user


def programmes_of_user(user) -> QuerySet[Programme]:
    """Every programme the user has a role in: team, delegate or focal point."""
    return (
        Programme.objects.filter(
            Q(pk__in=programmes_for_user(user).values("pk"))
            | Q(participants__user=user)
            | Q(delegations__focal_points__user=user)
        )
        .distinct()
        .order_by("-start_date", "pk")
    )


class ApiTokenForm(forms.ModelForm):
    """A new personal token; it can never do more than the user's own roles allow."""

    class Meta:
        model = ApiToken
        fields = ["name", "programmes", "can_write", "can_see_passports"]
        widgets = {"programmes": forms.CheckboxSelectMultiple}
        help_texts = {
            "programmes": _("The token reaches only these programmes."),
            "can_write": _("Without it, the token only reads."),
            "can_see_passports": _(
                "Passport numbers, expiry and birth details, where your role shows them."
            ),
        }

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.user = user
        programmes = self.fields["programmes"]
        programmes.queryset = programmes_of_user(user)
        programmes.required = True
        programmes.label_from_instance = lambda programme: programme.short_name
