"""Forms of the step pages: each parses one outcome's input into the keyword arguments of perform_step.

Rules about the values (a reason is required, points within the item's maximum, a decision needs a number)
live in the case services; the forms only parse, so one rule has one home and one message.
"""

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.forms import MultipleFileField
from criteria.models import CriteriaSet, ScoringMode
from criteria.scoring import evaluate

UPLOAD_FORM_ID = "evidence-upload"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class OutcomeForm(forms.Form):
    """One outcome of one step; `outcome_kwargs()` is what perform_step receives besides the actor."""

    def outcome_kwargs(self) -> dict:
        return {}

    def field_for_error(self, key: str) -> str | None:
        """The form field a service error key belongs to (None: shown above the form)."""
        return key if key in self.fields else None

    def add_service_errors(self, exc: ValidationError) -> None:
        """Place a service's ValidationError next to the fields it names; unknown keys go above the form."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        for key, messages in exc.message_dict.items():
            self.add_error(self.field_for_error(key), messages)


def _reason_field(label=None, *, help_text=""):
    return forms.CharField(
        label=label or _("Reason"),
        required=False,
        max_length=4000,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReasonForm(OutcomeForm):
    """Return for rework, withdraw, revoke: the service insists on the reason."""

    reason = _reason_field()

    def __init__(self, *args, reason_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if reason_label:
            self.fields["reason"].label = reason_label

    def outcome_kwargs(self) -> dict:
        return {"reason": self.cleaned_data["reason"]}


class CompleteCollectionForm(OutcomeForm):
    """Declare the evidence complete; the service lists the required items still without a file."""


class ConfirmAuditForm(OutcomeForm):
    note = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def outcome_kwargs(self) -> dict:
        return {"note": self.cleaned_data["note"]}


def _yes_no(yes, no):
    return forms.TypedChoiceField(
        choices=[("1", yes), ("0", no)],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect(attrs={"class": "choices"}),
    )


class ReviewForm(OutcomeForm):
    proposed = _yes_no(_("Propose for recognition"), _("Do not propose"))
    reason = _reason_field(help_text=_("Required when the case is not proposed."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposed"].label = _("Village meeting result")

    def outcome_kwargs(self) -> dict:
        return {"proposed": self.cleaned_data["proposed"], "reason": self.cleaned_data["reason"]}


class DecideForm(OutcomeForm):
    """The decision on one case: signing it issues a one-case decision under the commune's next number."""

    recognised = _yes_no(_("Recognise"), _("Refuse recognition"))
    reason = _reason_field(help_text=_("Required when recognition is refused."))
    signer_name = forms.CharField(label=_("Signer's full name"), max_length=120)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recognised"].label = _("Decision")

    def outcome_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "recognised": data["recognised"],
            "reason": data["reason"],
            "signer_name": data["signer_name"],
        }


def _plain_number(value: Decimal) -> str:
    """10.00 -> "10", 7.50 -> "7.5": what a number input shows, never in exponent form."""
    return format(value.normalize(), "f")


class ScoreSheetForm(OutcomeForm):
    """The assessor's sheet: a value and a comment per item of the pinned criteria set, grouped by criterion.

    Points inputs carry min/max/step for the browser only; the range is checked by the scoring service.
    """

    def __init__(
        self,
        *args,
        criteria_set: CriteriaSet,
        items,
        scores=None,
        area_class: str = "",
        computed=None,
        adopted: bool = True,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.criteria_set = criteria_set
        self.area_class = area_class
        self.items = list(items)
        # computed items (cases.derived): shown with their count, never typed
        self.computed = computed or {}
        self.adopted = adopted
        scores = scores or {}
        for item in self.items:
            score = scores.get(item.pk)
            if item.is_points:
                field = forms.DecimalField(
                    label=_("Points awarded"),
                    required=False,
                    widget=forms.NumberInput(
                        attrs={
                            "min": 0,
                            "max": _plain_number(item.max_points),
                            "step": "0.5",
                            "data-points": "",
                        }
                    ),
                )
                initial = _plain_number(score.points) if score and score.points is not None else None
            else:
                field = forms.TypedChoiceField(
                    label=_("Result"),
                    required=False,
                    choices=[("1", _("Passed")), ("0", _("Not passed"))],
                    coerce=lambda v: v == "1",
                    empty_value=None,
                    widget=forms.RadioSelect(attrs={"class": "choices", "data-passed": ""}),
                )
                initial = None if not score or score.passed is None else ("1" if score.passed else "0")
            field.initial = initial
            if item.pk in self.computed:
                field.disabled = True
                field.initial = _plain_number(self.computed[item.pk].points)
            self.fields[f"item_{item.pk}"] = field
            self.fields[f"comment_{item.pk}"] = forms.CharField(
                label=_("Comment"),
                required=False,
                max_length=2000,
                initial=score.comment if score else "",
                widget=forms.TextInput(),
            )

    @property
    def is_points_mode(self) -> bool:
        return self.criteria_set.scoring_mode == ScoringMode.POINTS

    @property
    def threshold(self):
        return self.criteria_set.threshold_for(self.area_class)

    def field_for_error(self, key: str) -> str | None:
        name = f"item_{key}"
        return name if name in self.fields else super().field_for_error(key)

    def outcome_kwargs(self) -> dict:
        values, comments = {}, {}
        for item in self.items:
            value = self.cleaned_data.get(f"item_{item.pk}")
            if value is not None:
                values[item.pk] = value
            comment = self.cleaned_data.get(f"comment_{item.pk}", "")
            if comment:
                comments[item.pk] = comment
        return {"values": values, "comments": comments}

    # --- what the sheet shows before (and without) the script ------------------------------------------

    def _shown_value(self, item):
        raw = self[f"item_{item.pk}"].value()
        if raw in (None, ""):
            return None
        if item.is_points:
            try:
                value = Decimal(str(raw))
            except (InvalidOperation, ValueError):
                return None
            return value if value.is_finite() and value >= 0 else None
        return str(raw) in ("1", "True")

    def sheet(self) -> dict:
        """Rows per criterion, with the totals and the result the values now on the sheet give."""
        shown = {item.pk: self._shown_value(item) for item in self.items}
        evaluation = evaluate(
            self.criteria_set,
            {pk: v for pk, v in shown.items() if v is not None},
            area_class=self.area_class,
            items=self.items,
        )
        results = {r.code: r for r in evaluation.criteria}
        groups: list[dict] = []
        for item in self.items:
            if not groups or groups[-1]["criterion"].pk != item.criterion_id:
                crit = item.criterion
                groups.append({"criterion": crit, "rows": [], "result": results.get(crit.code)})
            groups[-1]["rows"].append(
                {
                    "item": item,
                    "value": self[f"item_{item.pk}"],
                    "comment": self[f"comment_{item.pk}"],
                    "computed": self.computed.get(item.pk),
                }
            )
        return {"groups": groups, "evaluation": evaluation, "threshold": evaluation.threshold}


class EvidenceUploadForm(forms.Form):
    """One file input per criterion item; one POST may carry files for several items."""

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"files_{item.pk}"] = MultipleFileField(
                label=_("Files for item %(code)s") % {"code": item.code}
            )
            # The inputs sit next to their items, outside the <form> element (removal forms sit there too).
            self.fields[f"files_{item.pk}"].widget.attrs["form"] = UPLOAD_FORM_ID

    def clean(self):
        data = super().clean()
        if not any(data.get(f"files_{item.pk}") for item in self.items):
            raise ValidationError(_("Choose at least one file to upload."))
        return data

    def uploads(self) -> list[tuple]:
        """(criterion item, uploaded file) in the order of the sheet."""
        return [(item, f) for item in self.items for f in self.cleaned_data.get(f"files_{item.pk}", [])]


class RemoveEvidenceForm(OutcomeForm):
    """Not a step outcome, but its reason errors come from the service the same way."""

    reason = _reason_field(_("Reason for removal"))
