"""What every endpoint of the API shares: tokens, scopes, pages of results, one error format.

The API answers with the same roles as the pages: each app's endpoints fetch objects through
the app's own access helper (404 to outsiders, 403 to members without the role). A personal
token narrows that further, never widens it: `token_allows` says whether a token reaches a
programme (and may change data in it), `may_see_passports` whether it may read passport
details. Signed-in browsers (the docs page) use the session, with its CSRF check.
"""

import copy

from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_countries.serializers import CountryFieldMixin
from rest_framework import exceptions, serializers
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from .api_token_models import ApiToken, hash_secret
from .models import Programme
from .permissions import MANAGERS, TEAM, get_programme_for_user

AUTH_SCHEME = "Bearer"


# --- Tokens -----------------------------------------------------------------------------


class ApiTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer tpbis_…`: a personal token that is neither revoked nor its
    user deactivated. Other requests are left to the next authentication (the session)."""

    def authenticate(self, request: Request):
        words = get_authorization_header(request).split()
        if not words or words[0].decode(errors="replace").lower() != AUTH_SCHEME.lower():
            return None
        if len(words) != 2:
            raise exceptions.AuthenticationFailed(_("The token is missing or has spaces."))
        secret = words[1].decode(errors="replace")
        token = (
            ApiToken.objects.active()
            .select_related("user")
            .filter(secret_hash=hash_secret(secret))
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed(_("The token is unknown or was revoked."))
        token.record_use()
        # Roles computed for a session user of the same request must not stand for the token's.
        request._request.__dict__.pop("_tpbis_roles", None)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        # Anonymous requests then get 401 with this challenge, not 403.
        return f'{AUTH_SCHEME} realm="api"'


def api_token(request: Request) -> ApiToken | None:
    """The token the request was made with; None for the session."""
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiToken) else None


def token_allows(request: Request, programme: Programme, *, write: bool) -> bool:
    """Whether the request's token reaches `programme` (to change data in it, with `write`).

    Always True for the session: there the user's role decides alone, as on the pages.
    """
    token = api_token(request)
    if token is None:
        return True
    if write and not token.can_write:
        return False
    return programme.pk in token.programme_ids


def limit_to_token(request: Request, queryset: QuerySet, *, programme_field: str) -> QuerySet:
    """`queryset` without the rows of programmes the request's token does not reach."""
    token = api_token(request)
    if token is None:
        return queryset
    return queryset.filter(**{f"{programme_field}__in": token.programme_ids})


def may_see_passports(request: Request) -> bool:
    """Whether the request's credentials allow passport details: the session does, a token
    only with that scope. The user's role must allow them too (the app's own rule)."""
    token = api_token(request)
    return token is None or token.can_see_passports


# --- Permissions, pages of results, rate limits -----------------------------------------


class ApiAccess(BasePermission):
    """Signed in, by session or token; a read-only token only reads.

    Which objects a user reaches is each endpoint's matter (its app's access helper and
    `token_allows`).
    """

    message = _("This token may only read.")

    def has_permission(self, request: Request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        token = api_token(request)
        return token is None or token.can_write or request.method in SAFE_METHODS


class ApiCursorPagination(CursorPagination):
    """Pages that stay right while rows are added: `next` and `previous` links with a cursor."""

    ordering = "pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class _ApiRateThrottle(SimpleRateThrottle):
    def get_rate(self) -> str | None:
        # Read at each request, not once at import, so the setting can change (tests do).
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class ApiUserRateThrottle(_ApiRateThrottle):
    """Requests per token (or per signed-in user), counted in the cache, which keeps counting
    in process memory while Redis is away (tpbis.cache)."""

    scope = "api"

    def get_cache_key(self, request: Request, view) -> str | None:
        if not request.user.is_authenticated:
            return None
        token = api_token(request)
        ident = f"token-{token.pk}" if token else f"user-{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class ApiAnonymousRateThrottle(_ApiRateThrottle):
    """Requests without credentials, per client address."""

    scope = "api_anonymous"

    def get_cache_key(self, request: Request, view) -> str | None:
        if request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


# --- One error format ---------------------------------------------------------------------


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's handler, with its answers in one format (`ErrorSerializer` in api_schema.py).

    Model validation errors raised while saving become 400 with their fields rather than 500.
    """
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    # Imported here: DRF's views read the settings that name this module while they load, so
    # importing them at the top makes a cycle whenever this module is the first to be loaded.
    from rest_framework.views import exception_handler

    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        data = response.data
        fields = data if isinstance(data, dict) else {api_settings.NON_FIELD_ERRORS_KEY: data}
        code, message = "invalid", str(_("The data sent has errors; see “fields”."))
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        fields, message = {}, str(detail)
    response.data = {
        "status": response.status_code,
        "code": code,
        "message": message,
        "fields": fields,
    }
    return response


# --- Writes checked by the pages' forms ---------------------------------------------------


class FormCheckedSerializer(CountryFieldMixin, serializers.ModelSerializer):
    """A ModelSerializer whose writes also pass the pages' form, so that the API keeps the
    pages' rules (each written once, in the form).

    The form is bound to the stored values (for a partial update) overlaid with the values
    sent; its errors come back per field. Subclasses say which form (`make_form`) and how a
    valid form is saved (`save_form`, usually through the app's service).
    """

    def make_form(self, data: dict | None, instance) -> forms.ModelForm:
        raise NotImplementedError

    def save_form(self, form: forms.ModelForm):
        raise NotImplementedError

    def form_data(self, attrs: dict, instance) -> dict:
        unbound = self.make_form(None, instance)
        data = {
            name: unbound[name].value()
            for name, field in unbound.fields.items()
            if not isinstance(field, forms.FileField)
        }
        for name, value in attrs.items():
            data[name] = value.pk if isinstance(value, models.Model) else value
        return {name: "" if value is None else value for name, value in data.items()}

    def validate(self, attrs: dict) -> dict:
        instance = copy.copy(self.instance) if self.instance is not None else self.new_instance()
        form = self.make_form(self.form_data(attrs, instance), instance)
        if not form.is_valid():
            raise serializers.ValidationError(
                {
                    api_settings.NON_FIELD_ERRORS_KEY
                    if name == forms.forms.NON_FIELD_ERRORS
                    # A field of the form that the API does not take: reported as a whole.
                    else name: list(errors)
                    for name, errors in form.errors.items()
                }
            )
        self._checked_form = form
        return attrs

    def new_instance(self):
        return self.Meta.model()

    def create(self, validated_data: dict):
        return self.save_form(self._checked_form)

    def update(self, instance, validated_data: dict):
        return self.save_form(self._checked_form)


class _FormOnly:
    """A value of the form with no model field of its own (a choice the form turns into
    several model fields): read from the object by `read`, written to the form."""

    def __init__(self, *, read, **kwargs) -> None:
        self.read = read
        super().__init__(source="*", **kwargs)

    def to_representation(self, instance):
        return self.read(instance)

    def to_internal_value(self, data):
        return {self.field_name: super().to_internal_value(data)}


class FormOnlyChoiceField(_FormOnly, serializers.ChoiceField):
    pass


class FormOnlyCharField(_FormOnly, serializers.CharField):
    pass


# --- Endpoints under /programmes/{programme_slug}/ ----------------------------------------


def get_programme_for_request(request: Request, slug: str, roles=TEAM) -> Programme:
    """`get_programme_for_user` (404 to outsiders, 403 to other roles), and 404 when the
    request's token does not reach the programme."""
    programme = get_programme_for_user(request.user, slug, roles)
    if not token_allows(request, programme, write=request.method not in SAFE_METHODS):
        raise Http404
    return programme


class ProgrammeChildMixin:
    """For viewsets of a programme's rows: the programme of the URL, reached with the pages'
    roles (`read_roles` to read, `write_roles` to change)."""

    read_roles = TEAM
    write_roles = MANAGERS
    # Actions that reach their row by another way (a delegate's own record, say).
    actions_without_programme_check: tuple[str, ...] = ()

    def initial(self, request: Request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        # Access first: an outsider learns nothing from how their request body is refused.
        if self.action not in self.actions_without_programme_check:
            self.get_programme()

    def get_programme(self) -> Programme:
        if not hasattr(self, "_programme"):
            roles = self.read_roles if self.request.method in SAFE_METHODS else self.write_roles
            self._programme = get_programme_for_request(
                self.request, self.kwargs["programme_slug"], roles
            )
        return self._programme

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["programme"] = self.get_programme()
        return context
