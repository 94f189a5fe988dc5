from django import forms
from django.utils.translation import gettext_lazy as _


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class CoverageFilterForm(forms.Form):
    title = forms.ChoiceField(label=_("Title"), required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, **kwargs):
        from criteria.models import TitleType

        super().__init__(*args, **kwargs)
        self.titles = {t.code: t for t in TitleType.objects.filter(active=True).order_by("code")}
        self.fields["title"].choices = [(code, t.name) for code, t in self.titles.items()]
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", field.label)

    def selection(self, default_year: int):
        """(title, year): the chosen ones, or the household title and this year."""
        data = self.cleaned_data if self.is_valid() else {}
        title = self.titles.get(data.get("title") or "GDHT") or next(iter(self.titles.values()), None)
        return title, data.get("year") or default_year
