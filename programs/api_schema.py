"""The OpenAPI schema's shared parts: the token scheme and the error answers of every operation.

Apart from api_support.py because drf-spectacular imports DRF's views, which read the settings
that name api_support's classes.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

from .api_support import ApiTokenAuthentication


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = ApiTokenAuthentication
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": str(
                _("A personal API token, created on the account's API tokens page.")
            ),
        }


class ErrorSerializer(serializers.Serializer):
    """Every error of the API: a status, a code for programs, a message for people, and for
    invalid data the message of each field."""

    status = serializers.IntegerField(help_text=_("The HTTP status."))
    code = serializers.CharField(help_text=_("Machine-readable, e.g. “invalid”, “not_found”."))
    message = serializers.CharField(help_text=_("Human-readable, in the request's language."))
    fields = serializers.DictField(
        child=serializers.JSONField(),
        help_text=_("Per field, what is wrong with the value sent (invalid data only)."),
    )


# Every operation may answer these; the schema says so, with the error format.
ERROR_RESPONSES = {
    "400": _("Invalid data or query parameters."),
    "401": _("No credentials, or an unknown or revoked token."),
    "403": _("The role or the token's scope does not allow this."),
    "404": _("Not found, or not visible to this user or token."),
    "429": _("Too many requests: wait for the number of seconds in Retry-After."),
}


class ApiAutoSchema(AutoSchema):
    """drf-spectacular's schema, with the error answers every operation may give."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, description in ERROR_RESPONSES.items():
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = str(description)
                responses[code] = response
        return responses
