from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import CaseState
from criteria.models import TitleType

from ..steps.base import step_choices
from .selectors import TaskFilters


class TaskFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("Subject name or case reference"), "type": "search"}),
    )
    step = forms.ChoiceField(
        label=_("Step"), required=False, choices=lambda: [("", _("All steps")), *step_choices()]
    )
    title = forms.ChoiceField(label=_("Title"), required=False)
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All states")), *CaseState.choices]
    )
    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"placeholder": _("Year")}),
    )
    due = forms.ChoiceField(
        label=_("Due"),
        required=False,
        choices=[("", _("Any due date")), ("overdue", _("Overdue")), ("week", _("Due within 7 days"))],
    )
    order = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[("due", _("Due date first")), ("created", _("Newest first"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # the filter bar shows no <label>s: name each control for readers
            field.widget.attrs.setdefault("aria-label", field.label)
        self.fields["title"].choices = [
            ("", _("All titles")),
            *TitleType.objects.filter(active=True).values_list("code", "name"),
        ]

    def filters(self) -> TaskFilters:
        if not self.is_valid():
            return TaskFilters()
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        return TaskFilters(**data)
