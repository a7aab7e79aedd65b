"""Documentation photos of a programme's agenda items, for the team only.

Photos are served through a permission-checked view, never from a public media URL: people in
them may not have agreed to publication.
"""

from datetime import date, datetime
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from programs.confirmation import confirmation_page
from programs.files import serve_stored_file
from programs.models import Programme
from programs.permissions import TEAM, get_programme_for_user

from .gallery_forms import PhotoPeopleForm, PhotoUploadForm
from .models import Session, SessionPhoto
from .queries import agenda_of, group_by_local_day, photos_with_consent
from .services import delete_with_file


def photos_of(programme: Programme):
    """Every photo of the programme with its agenda item and `withheld`: one query."""
    return photos_with_consent(
        SessionPhoto.objects.filter(session__programme=programme).select_related(
            "session__programme"
        )
    )


def _moment(photo: SessionPhoto) -> datetime:
    # Photos without a time belong to their item's start.
    return photo.taken_at or photo.session.starts_at


def photos_by_local_day(
    programme: Programme, photos: list[SessionPhoto]
) -> list[tuple[date, list[SessionPhoto]]]:
    """Photos grouped by their calendar day in the programme's time zone, in time order."""
    ordered = sorted(photos, key=lambda photo: (_moment(photo), photo.uploaded_at, photo.pk))
    return [
        (day, list(items))
        for day, items in groupby(ordered, key=lambda p: programme.to_local(_moment(p)).date())
    ]


@login_required
def gallery(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    every_photo = list(photos_of(programme))
    # A photo showing someone who refused photo consent is left out; the item's own page
    # still lists it, to be deleted or corrected.
    photos = [photo for photo in every_photo if not photo.withheld]
    return render(
        request,
        "visits/gallery.html",
        {
            "programme": programme,
            "days": photos_by_local_day(programme, photos),
            "photo_count": len(photos),
            "withheld_count": len(every_photo) - len(photos),
            "private_count": sum(1 for photo in photos if not photo.consent_to_publish),
            "item_days": group_by_local_day(programme, agenda_of(programme)),
        },
    )


def _upload_page(
    request: HttpRequest, programme: Programme, item: Session, form: PhotoUploadForm
) -> HttpResponse:
    photos = list(photos_with_consent(item.photos.select_related("session")))
    return render(
        request,
        "visits/gallery_upload.html",
        {"programme": programme, "item": item, "form": form, "photos": photos},
    )


@login_required
@require_http_methods(["GET", "POST"])
def photo_upload(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    item = get_object_or_404(programme.sessions.select_related("site"), pk=pk)
    if request.method == "GET":
        initial = {"photographer": request.user.get_full_name()}
        return _upload_page(
            request, programme, item, PhotoUploadForm(programme=programme, initial=initial)
        )
    form = PhotoUploadForm(request.POST, request.FILES, programme=programme)
    if not form.is_valid():
        return _upload_page(request, programme, item, form)
    photo = form.save(commit=False)
    photo.session = item
    photo.uploaded_by = request.user
    photo.save()
    form.save_m2m()
    messages.success(request, _("The photo was added to “%(item)s”.") % {"item": item.title})
    _warn_about_refusals(request, form.cleaned_data["people"])
    return redirect("visits:photo_upload", slug=programme.slug, pk=item.pk)


def _warn_about_refusals(request: HttpRequest, people) -> None:
    refused = [person.display_name for person in people if person.photo_consent is False]
    if refused:
        messages.warning(
            request,
            _(
                "%(names)s did not agree to photos: this photo stays out of the gallery and "
                "the closing report."
            )
            % {"names": ", ".join(refused)},
        )


def _photo_of(programme: Programme, photo_id: int) -> SessionPhoto:
    return get_object_or_404(SessionPhoto, pk=photo_id, session__programme=programme)


@login_required
def photo(request: HttpRequest, slug: str, photo_id: int) -> FileResponse:
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    photo = _photo_of(programme, photo_id)
    response = serve_stored_file(photo.image, content_type="image/jpeg")
    # Team-only content: browsers may keep it, shared caches must not.
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_POST
def photo_delete(request: HttpRequest, slug: str, photo_id: int) -> HttpResponse:
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    photo = _photo_of(programme, photo_id)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("visits:gallery", args=[programme.slug])
    asking = confirmation_page(
        request,
        question=_("Delete this photo?"),
        consequence=_("It disappears from the gallery and from the closing report."),
        action=_("Delete the photo"),
        cancel_url=back,
    )
    if asking:
        return asking
    delete_with_file(obj=photo, file=photo.image)
    messages.success(request, _("The photo was deleted."))
    return redirect(back)


@login_required
@require_http_methods(["GET", "POST"])
def photo_people(request: HttpRequest, slug: str, photo_id: int) -> HttpResponse:
    """Who can be recognised in a photo: their photo consent decides where it is shown."""
    programme = get_programme_for_user(request.user, slug, roles=TEAM)
    photo = get_object_or_404(
        SessionPhoto.objects.select_related("session__programme"),
        pk=photo_id,
        session__programme=programme,
    )
    form = PhotoPeopleForm(
        request.POST if request.method == "POST" else None, instance=photo, programme=programme
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The people shown in the photo have been saved."))
        _warn_about_refusals(request, form.cleaned_data["people"])
        return redirect("visits:photo_upload", slug=programme.slug, pk=photo.session_id)
    return render(
        request, "visits/photo_people.html", {"programme": programme, "photo": photo, "form": form}
    )
