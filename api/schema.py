"""The OpenAPI document: every operation lists its error responses as problem documents, and the query
parameters of a list are read from the page's own filter form."""

from django import forms
from django.db import DatabaseError
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

PROBLEM_MEDIA = "application/problem+json"
ERROR_STATUSES = (400, 401, 403, 404, 405, 406, 409, 415, 429)


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details, with the messages per field and per case."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)
    problems = serializers.ListField(child=serializers.CharField(), required=False)


class ProblemAutoSchema(AutoSchema):
    """Adds the problem responses, and the query parameters of a view's `filter_form` (the page's form)."""

    def get_override_parameters(self):
        params = list(super().get_override_parameters())
        form_class = getattr(self.view, "filter_form", None)
        if form_class is not None and self.method == "GET":
            params.extend(form_parameters(form_class))
        return params

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in ERROR_STATUSES:
            responses.setdefault(
                str(code),
                self._get_response_for_code(ProblemSerializer, str(code), media_types=[PROBLEM_MEDIA]),
            )
        return responses


def field_schema(field: forms.Field) -> dict:
    """The JSON schema of a form field's value, as the form will accept it."""
    if isinstance(field, forms.IntegerField):
        schema = {"type": "integer"}
        for validator in field.validators:
            code = getattr(validator, "code", "")
            if code == "min_value":
                schema["minimum"] = validator.limit_value
            elif code == "max_value":
                schema["maximum"] = validator.limit_value
        return schema
    if isinstance(field, forms.DateField):
        return {"type": "string", "format": "date"}
    if isinstance(field, forms.ChoiceField):
        values = [str(value) for value, _label in field.choices if value != ""]
        return {"type": "string", "enum": values} if values else {"type": "string"}
    schema = {"type": "string"}
    if getattr(field, "max_length", None):
        schema["maxLength"] = field.max_length
    return schema


def form_parameters(form_class: type[forms.Form]) -> list[OpenApiParameter]:
    """The query parameters of a list: the fields of the page's filter form. A form whose choices are filled
    at run time (the active titles) is instantiated, so the document lists today's choices; before the
    database has its tables (`manage.py check` on a new server) the declared fields are listed without them.
    """
    try:
        fields = form_class().fields
    except DatabaseError:
        fields = form_class.base_fields
    return [
        OpenApiParameter(
            name, field_schema(field), OpenApiParameter.QUERY, description=str(field.label or "")
        )
        for name, field in fields.items()
    ]
