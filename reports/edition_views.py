"""Start a new programme from an existing one (see `reports.editions`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from programs.edition_forms import SLUG_TAKEN, NewProgrammeFromForm
from programs.models import Programme
from programs.permissions import MANAGERS, get_programme_for_user

from .editions import start_programme_from


@login_required
@require_http_methods(["GET", "POST"])
def programme_copy(request: HttpRequest, slug: str) -> HttpResponse:
    """Any organiser of a programme may start a new one from it, and organises the new one."""
    source = get_programme_for_user(request.user, slug, roles=MANAGERS)
    data = request.POST if request.method == "POST" else None
    form = NewProgrammeFromForm(data, instance=Programme(), source=source)
    if request.method == "POST" and form.is_valid():
        try:
            programme = start_programme_from(
                source=source,
                start_date=form.cleaned_data["start_date"],
                names=form.names(),
                by=request.user,
            )
        except IntegrityError:
            # Someone took the slug between the form's check and the insert.
            form.add_error("slug", SLUG_TAKEN)
        else:
            messages.success(
                request,
                _(
                    "%(programme)s was started from %(source)s, with its settings, delegations, "
                    "agenda, certificate template, evaluation questions and information, and no "
                    "participants. Check its agenda and texts."
                )
                % {"programme": programme.short_name, "source": source.short_name},
            )
            return redirect("programs:detail", slug=programme.slug)
    return render(request, "reports/programme_copy.html", {"programme": source, "form": form})
