from django import forms
from django.utils.translation import gettext_lazy as _

from .labels import event_type_choices

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class AuditSearchForm(forms.Form):
    reference = forms.CharField(label=_("Case number"), required=False, max_length=60)
    subject = forms.CharField(
        label=_("Subject"),
        required=False,
        max_length=100,
        help_text=_("Subject code, or part of the name (with or without diacritics)."),
    )
    actor = forms.CharField(label=_("User"), required=False, max_length=150, help_text=_("Exact user name."))
    event_type = forms.ChoiceField(label=_("Event"), required=False)
    unit = forms.CharField(label=_("Unit code"), required=False, max_length=40)
    date_from = forms.DateField(label=_("From"), required=False, input_formats=DATE_FORMATS)
    date_to = forms.DateField(label=_("To"), required=False, input_formats=DATE_FORMATS)

    FILTERS = ("reference", "subject", "actor", "event_type", "unit", "date_from", "date_to")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event_type"].choices = [("", _("All events")), *event_type_choices()]
        for name in ("date_from", "date_to"):
            self.fields[name].widget.attrs["placeholder"] = "dd/mm/yyyy"

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def filters(self) -> dict:
        """The filters in use (for the selector)."""
        return {k: v for k, v in self.cleaned_data.items() if k in self.FILTERS and v}

    def described(self) -> dict:
        """The filters in use as plain text (for the export's audit event)."""
        return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in self.filters().items()}


class SubjectLookupForm(forms.Form):
    q = forms.CharField(
        label=_("Subject"),
        max_length=100,
        help_text=_("Subject code, or part of the name (with or without diacritics)."),
    )
