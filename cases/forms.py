from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from criteria.models import TitleType

from .models import CaseState


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm kiếm"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": _("Tên đối tượng hoặc số hồ sơ"),
                                                      "type": "search"}))
    state = forms.ChoiceField(label=_("Trạng thái"), required=False,
                              choices=[("", _("Tất cả trạng thái")), *CaseState.choices])
    title = forms.ChoiceField(label=_("Danh hiệu"), required=False)
    year = forms.IntegerField(label=_("Năm"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].choices = [("", _("Tất cả danh hiệu")),
                                        *TitleType.objects.filter(active=True).values_list("code", "name")]
        self.fields["year"].widget.attrs["placeholder"] = str(timezone.localdate().year)
