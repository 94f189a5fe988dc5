from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from criteria.models import TitleType

from .models import RECOGNISED_FILTER, CaseState

EVIDENCE_ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the service that stores it, one by one."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": EVIDENCE_ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [f for f in files if f]


class CaseFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("Subject name or case number"), "type": "search"}),
    )
    state = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All statuses")),
            (RECOGNISED_FILTER, _("Recognised (by the commune, audited or not)")),
            *CaseState.choices,
        ],
    )
    title = forms.ChoiceField(label=_("Title"), required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    # set by links from reports (drill-down to the cases behind a number); scoping still applies
    unit = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # the filter bar shows no <label>s: name each control for readers
            field.widget.attrs.setdefault("aria-label", field.label)
        self.fields["title"].choices = [
            ("", _("All titles")),
            *TitleType.objects.filter(active=True).values_list("code", "name"),
        ]
        self.fields["year"].widget.attrs["placeholder"] = str(timezone.localdate().year)
