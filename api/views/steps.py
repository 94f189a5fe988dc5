"""Completing a step: one operation per step and outcome of the step table, its payload typed from the
outcome's form. The payload is parsed by that very form and the step completed by perform_step, as on the
step page."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import permissions as perms
from workflows.engine import steps as services
from workflows.officer import selectors
from workflows.steps import pages
from workflows.steps.base import Outcome, Step
from workflows.steps.table import STEPS

from ..permissions import ActingRole
from ..serializers import CaseSerializer
from ._common import query_dict

# --- payloads derived from the outcomes' forms ------------------------------------------------------------


def _is_yes_no(field: forms.Field) -> bool:
    return isinstance(field, forms.TypedChoiceField) and {str(v) for v, _l in field.choices} == {"1", "0"}


def serializer_field(field: forms.Field) -> serializers.Field:
    """The payload field for a form field: same type, same limits, same label."""
    common = {"required": field.required, "label": str(field.label or ""), "help_text": str(field.help_text)}
    if _is_yes_no(field):
        return serializers.BooleanField(**common)
    if isinstance(field, forms.DecimalField):
        return serializers.DecimalField(
            max_digits=field.max_digits or 9, decimal_places=field.decimal_places or 2, **common
        )
    if isinstance(field, forms.IntegerField):
        return serializers.IntegerField(min_value=field.min_value, max_value=field.max_value, **common)
    if isinstance(field, forms.DateField):
        return serializers.DateField(**common)
    if isinstance(field, forms.ChoiceField):
        return serializers.ChoiceField(choices=field.choices, **common)
    return serializers.CharField(
        max_length=field.max_length, allow_blank=not field.required, trim_whitespace=False, **common
    )


class ScoreItem(serializers.Serializer):
    item = serializers.IntegerField(min_value=1, max_value=10**18, help_text="criterion item id")
    points = serializers.DecimalField(
        max_digits=6, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    passed = serializers.BooleanField(required=False, allow_null=True)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, trim_whitespace=False)


class ScoreSheetPayload(serializers.Serializer):
    """The score sheet: a value (points, or passed) and a comment per criterion item of the case's set."""

    items = ScoreItem(many=True, max_length=500)

    @staticmethod
    def form_data(data: dict) -> dict:
        out = {}
        for row in data["items"]:
            value = row.get("points") if row.get("points") is not None else row.get("passed")
            out[f"item_{row['item']}"] = value
            out[f"comment_{row['item']}"] = row.get("comment", "")
        return out


# Outcomes whose form is built from the case (the score sheet's items): their payload is declared here.
CASE_FORMS = {pages.score_sheet_form: ScoreSheetPayload}


def payload_serializer(step: Step, name: str, outcome: Outcome) -> type[serializers.Serializer]:
    if outcome.form in CASE_FORMS:
        return CASE_FORMS[outcome.form]
    form = outcome.form(None, None, name)
    fields = {field_name: serializer_field(field) for field_name, field in form.fields.items()}
    class_name = f"{step.key.title()}{name.title().replace('_', '')}Payload"
    return type(class_name, (serializers.Serializer,), fields)


# --- the operations ---------------------------------------------------------------------------------------


class CompletionResult(serializers.Serializer):
    detail = serializers.CharField()
    case = CaseSerializer()


class CompleteStep(APIView):
    """Base of the generated operations: `step` and `outcome` are set per subclass."""

    permission_classes = [ActingRole]
    step: Step
    outcome_name: str
    payload: type[serializers.Serializer]

    def post(self, request, task_pk: int):
        task, case = selectors.human_task_and_case_for(request.user, task_pk)
        declared = getattr(task.flow_task, "step", None)
        if declared is None or declared.key != self.step.key:
            raise Http404
        outcome = declared.outcomes[self.outcome_name]
        # the step's own work is for whoever may take the step (the step page); an outcome that ends any open
        # step (withdrawal) for whoever holds its transition's permission (the case file's withdraw button)
        if outcome.own_work:
            if task.owner_id != request.user.pk and not perms.can(request.user, declared.action, case):
                raise PermissionDenied(_("You cannot take this step."))
        elif not outcome.allowed(request.user, case):
            raise PermissionDenied(_("You cannot take this step."))
        if task.status not in services.OPEN_TASK_STATES:
            raise services.step_closed(case, declared.key)
        payload = self.payload(data=request.data)
        payload.is_valid(raise_exception=True)
        values = payload.validated_data
        if hasattr(self.payload, "form_data"):
            values = self.payload.form_data(values)
        form = outcome.form(case, query_dict(values, prefix=self.outcome_name), self.outcome_name)
        unknown = [key for key in values if key not in form.fields]
        if unknown:
            raise ValidationError({"items": [_("Not an item of this case's criteria set.")]})
        if not form.is_valid():
            raise ValidationError({k: list(v) for k, v in form.errors.items()})
        try:
            updated = services.perform_step(
                case,
                step=declared.key,
                outcome=self.outcome_name,
                actor=request.user,
                task=task,
                **form.outcome_kwargs(),
            )
        except DjangoValidationError as exc:
            form.add_service_errors(exc)
            raise ValidationError({k: list(v) for k, v in form.errors.items()}) from exc
        return Response(CompletionResult({"detail": outcome.done(updated), "case": updated}).data)


def _post():
    """A method of its own per operation (the schema's settings are kept on the function)."""

    def post(self, request, task_pk: int):
        return CompleteStep.post(self, request, task_pk)

    return post


def completion_views() -> list[tuple[str, str, type[APIView]]]:
    """(step key, outcome, view) for every step and outcome of the step table."""
    views = []
    for step in STEPS:
        for name, outcome in step.outcomes.items():
            payload = payload_serializer(step, name, outcome)
            post = extend_schema(
                tags=["steps"],
                summary=f"{step.key} → {name}",
                description=outcome.button,
                operation_id=f"steps_{step.key}_{name}",
                request=payload,
                responses=CompletionResult,
            )(_post())
            view = type(
                f"Complete{step.key.title()}{name.title()}",
                (CompleteStep,),
                {"step": step, "outcome_name": name, "payload": payload, "post": post},
            )
            views.append((step.key, name, view))
    return views
