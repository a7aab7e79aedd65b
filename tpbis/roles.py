"""Roles of the signed-in user across the whole site: navigation and the MFA requirement."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.db import connections, models, router
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from participants.models import Participant
from programs.models import ProgrammeMembership

# Every signed-in request loads the user's memberships and participations (navigation, the
# MFA requirement, the delegate's pages). Compiling the ORM's SQL for them costs several
# times running it, so each query is compiled once per process and database, then run with
# the user's id; its rows become the same objects the ORM makes. `_USER_ID` stands in for
# the id while compiling.
_USER_ID = -730_300_001


def _memberships_of(user_id: int) -> models.QuerySet:
    return ProgrammeMembership.objects.filter(user_id=user_id)


def _participations_of(user_id: int) -> models.QuerySet:
    return (
        Participant.objects.filter(user_id=user_id)
        .select_related("programme")
        .order_by("-programme__start_date")
    )


@dataclass(frozen=True)
class _Columns:
    """The columns of a row that make one object, and the objects selected along with it."""

    model: type[models.Model]
    attnames: tuple[str, ...]
    start: int
    end: int
    pk: int
    # How the object is set on the one it was selected with, and that one on it.
    local_setter: Callable | None = None
    remote_setter: Callable | None = None
    related: tuple["_Columns", ...] = ()

    def make(self, row: tuple, alias: str) -> models.Model | None:
        if row[self.pk] is None:  # a related row that is not there
            return None
        obj = self.model.from_db(alias, self.attnames, row[self.start : self.end])
        for related in self.related:
            other = related.make(row, alias)
            related.local_setter(obj, other)
            if other is not None:
                related.remote_setter(other, obj)
        return obj


def _columns(info: dict, attnames: list[str]) -> _Columns | None:
    """The ORM compiler's account of what makes each object, if the row is just the whole
    models' columns in their order."""
    model = info["model"]
    start, end = info["select_fields"][0], info["select_fields"][-1] + 1
    if attnames[start:end] != [f.attname for f in model._meta.concrete_fields]:
        return None
    related = [_columns(other, attnames) for other in info.get("related_klass_infos", [])]
    if None in related:
        return None
    return _Columns(
        model=model,
        attnames=tuple(attnames[start:end]),
        start=start,
        end=end,
        pk=start + attnames[start:end].index(model._meta.pk.attname),
        local_setter=info.get("local_setter"),
        remote_setter=info.get("remote_setter"),
        related=tuple(related),
    )


@lru_cache(maxsize=8)
def _compiled(query: Callable[[int], models.QuerySet], alias: str) -> tuple[str, _Columns] | None:
    """`query`'s SQL, with the user's id its only parameter, and what makes its objects; None
    when its rows need more than the models' plain columns (values converted, annotations,
    deferred fields): those queries are left to the ORM."""
    compiler = query(_USER_ID).query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    selected = [expression for expression, _sql, _alias in compiler.select]
    if list(params) != [_USER_ID] or compiler.annotation_col_map:
        return None
    if compiler.get_converters(selected) or not all(hasattr(c, "target") for c in selected):
        return None
    columns = _columns(compiler.klass_info, [column.target.attname for column in selected])
    return (sql, columns) if columns is not None else None


def _load(model: type[models.Model], query: Callable[[int], models.QuerySet], user_id: int):
    """`list(query(user_id))`: the same objects from the same single query, compiled once."""
    alias = router.db_for_read(model)
    compiled = _compiled(query, alias)
    if compiled is None:
        return list(query(user_id))
    sql, columns = compiled
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, [user_id])
        rows = cursor.fetchall()
    return [columns.make(row, alias) for row in rows]


class UserRoles:
    """What one user is, computed once per request with at most two queries."""

    def __init__(self, user) -> None:
        self.user = user

    @cached_property
    def memberships(self) -> list[ProgrammeMembership]:
        """The user's roles in programmes, in no particular order (the programmes not loaded)."""
        if not self.user.is_authenticated:
            return []
        return _load(ProgrammeMembership, _memberships_of, self.user.pk)

    @cached_property
    def participations(self) -> list[Participant]:
        if not self.user.is_authenticated:
            return []
        return _load(Participant, _participations_of, self.user.pk)

    @property
    def is_admin(self) -> bool:
        return self.user.is_authenticated and self.user.is_superuser

    @property
    def is_organiser(self) -> bool:
        return any(m.role == ProgrammeMembership.Role.ORGANISER for m in self.memberships)

    @property
    def is_staff_member(self) -> bool:
        return any(m.role == ProgrammeMembership.Role.STAFF for m in self.memberships)

    @property
    def is_delegate(self) -> bool:
        return bool(self.participations)

    @property
    def works_on_programmes(self) -> bool:
        return self.is_admin or bool(self.memberships)


def get_roles(request: HttpRequest) -> UserRoles:
    if not hasattr(request, "_tpbis_roles"):
        request._tpbis_roles = UserRoles(request.user)
    return request._tpbis_roles


def navigation(request: HttpRequest) -> dict:
    return {"roles": get_roles(request)}


class RequireMFAMiddleware:
    """Sends admins and organisers without a second factor to enrol one, when required."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.REQUIRE_MFA_FOR_PRIVILEGED
            and request.user.is_authenticated
            and not self._exempt(request.path)
        ):
            roles = get_roles(request)
            if (roles.is_admin or roles.is_organiser) and not is_mfa_enabled(request.user):
                return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        # Enrolling, logging out and switching language must stay reachable.
        return path.startswith(("/accounts/", "/i18n/", "/static/"))
