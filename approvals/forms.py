"""Forms of the collective steps: they parse input; the services decide."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import MultipleFileField

from .conf import knob
from .models import AuditSample

DATE_INPUT = ["%d/%m/%Y", "%Y-%m-%d"]


class CaseChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, case):
        return f"{case.subject.name} · {case.reference}"


class SessionForm(forms.Form):
    meeting_date = forms.DateField(
        label=_("Meeting date"), input_formats=DATE_INPUT, help_text=_("dd/mm/yyyy")
    )
    location = forms.CharField(label=_("Meeting place"), max_length=200, required=False)
    chair = forms.CharField(label=_("Chaired by"), max_length=120)
    secretary = forms.CharField(label=_("Secretary"), max_length=120, required=False)
    attendees = forms.CharField(
        label=_("Attendees"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: name and position."),
    )
    posting_days = forms.IntegerField(
        label=_("Public posting (days)"),
        min_value=0,
        max_value=60,
        help_text=_("0 if the list is not posted for comments."),
    )
    cases = CaseChoiceField(label=_("Cases to review"), queryset=None)

    def __init__(self, *args, candidates, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("posting_days", knob("POSTING_DAYS"))
        kwargs["initial"].setdefault("meeting_date", datetime.date.today())  # noqa: DTZ011 - a default only
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = candidates


class DecisionForm(forms.Form):
    cases = CaseChoiceField(label=_("Cases to decide"), queryset=None)
    amends = forms.ModelChoiceField(label=_("Amends decision"), queryset=None, required=False)
    note = forms.CharField(
        label=_("What this decision corrects"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, candidates, signed, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = candidates
        self.fields["amends"].queryset = signed


class CommentForm(forms.Form):
    entry = forms.TypedChoiceField(label=_("Case"), coerce=int)
    author = forms.CharField(label=_("From"), max_length=120)
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].choices = [
            (e.pk, f"{e.case.subject.name} · {e.case.reference}") for e in entries
        ]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class DropForm(ReasonForm):
    """Take one case off an open list: which (one of the page's cases), and why."""

    entry = forms.TypedChoiceField(label=_("Case"), coerce=int)
    field_order = ["entry", "reason"]

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].choices = [
            (e.pk, f"{e.case.subject.name} · {e.case.reference}") for e in entries
        ]


class SignForm(forms.Form):
    signer_name = forms.CharField(label=_("Signer's full name"), max_length=120)


class OpenAuditForm(forms.Form):
    share = forms.DecimalField(label=_("Sample share"), min_value=0.001, max_value=1, decimal_places=3)
    minimum = forms.IntegerField(label=_("Minimum sample size"), min_value=0, max_value=10000)
    seed = forms.IntegerField(
        label=_("Seed"),
        required=False,
        min_value=0,
        max_value=2**63 - 1,
        help_text=_("Leave empty for a new random seed."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "initial", {"share": knob("AUDIT_SAMPLE_SHARE"), "minimum": knob("AUDIT_SAMPLE_MINIMUM")}
        )
        super().__init__(*args, **kwargs)


class FindingForm(forms.Form):
    finding = forms.ChoiceField(
        label=_("Finding"), choices=[c for c in AuditSample.Finding.choices if c[0]], widget=forms.RadioSelect
    )
    description = forms.CharField(
        label=_("Problem found"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    evidence = forms.CharField(label=_("Evidence of the problem"), max_length=500, required=False)
    files = MultipleFileField(
        label=_("Files of the evidence"),
        help_text=_("PDF, JPEG or PNG; they stay in the audit's record."),
    )

    def clean(self):
        data = super().clean()
        if data.get("finding") == AuditSample.Finding.PROBLEM and not (data.get("description") or "").strip():
            self.add_error("description", _("Describe the problem found."))
        return data


class ProposalForm(forms.Form):
    proposed_on = forms.DateField(
        label=_("Proposal date"), input_formats=DATE_INPUT, help_text=_("dd/mm/yyyy")
    )
    note = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    cases = CaseChoiceField(label=_("Cases to propose"), queryset=None)

    def __init__(self, *args, candidates, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("proposed_on", datetime.date.today())  # noqa: DTZ011 - a default only
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = candidates
