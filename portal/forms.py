"""The public forms: every value parsed here, whatever a stranger sends."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from registry.households import normal_phone


class StatusLookupForm(forms.Form):
    reference = forms.CharField(
        label=_("Case number"),
        max_length=60,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        help_text=_("As written on the registration receipt, e.g. GDHT-2026-27118-000123."),
        error_messages={"required": _("Enter the case number.")},
    )
    check = forms.CharField(
        label=_("Check digits"),
        max_length=4,
        min_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 6}),
        help_text=_(
            "The last four digits of the head of household's citizen ID, or of the phone number given."
        ),
        error_messages={
            "required": _("Enter the four check digits."),
            "min_length": _("Enter exactly four digits."),
            "max_length": _("Enter exactly four digits."),
        },
    )

    def clean_reference(self) -> str:
        return "".join(self.cleaned_data["reference"].split()).upper()

    def clean_check(self) -> str:
        value = self.cleaned_data["check"]
        if not (value.isascii() and value.isdigit()):
            raise forms.ValidationError(_("Enter exactly four digits."))
        return value


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("The number your household gave when it registered."),
        error_messages={"required": _("Enter your phone number.")},
    )

    def clean_phone(self) -> str:
        try:
            phone = normal_phone(self.cleaned_data["phone"])
        except ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["phone"]) from exc
        if not phone:
            raise forms.ValidationError(_("Enter your phone number."))
        return phone


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "size": 8}),
        error_messages={
            "required": _("Enter the six-digit code."),
            "min_length": _("Enter the six-digit code."),
            "max_length": _("Enter the six-digit code."),
        },
    )

    def clean_code(self) -> str:
        value = self.cleaned_data["code"]
        if not (value.isascii() and value.isdigit()):
            raise forms.ValidationError(_("Enter the six-digit code."))
        return value
