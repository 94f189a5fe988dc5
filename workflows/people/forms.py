"""Forms of people management: every parameter of the pages is parsed here."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from registry.accounts import is_phone, normalise_phone
from registry.models import Role


class PeopleFilterForm(forms.Form):
    unit = forms.CharField(label=_("Unit"), required=False, max_length=40)
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices])
    q = forms.CharField(label=_("Name, phone or unit"), required=False, max_length=100)


class EndRoleForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    on = forms.DateField(
        label=_("Last day of the role"),
        required=False,
        help_text=_("Empty: today. A later day keeps the role (and its steps) until then."),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class EndRoleWarnedForm(EndRoleForm):
    acknowledged = forms.BooleanField(
        label=_("I have seen the open steps nobody else could take, and end the role anyway."), required=False
    )


class HandOverForm(forms.Form):
    phone = forms.CharField(
        label=_("Successor's phone number"),
        max_length=20,
        help_text=_("Their sign-in name. A person without an account gets one and an activation link."),
    )
    full_name = forms.CharField(label=_("Successor's full name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Successor's e-mail"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_phone(self):
        phone = normalise_phone(self.cleaned_data["phone"])
        if not is_phone(phone):
            raise ValidationError(_("Enter a Vietnamese phone number: 10 digits starting with 0."))
        return phone

    def clean(self):
        data = super().clean()
        phone = data.get("phone")
        if phone:
            data["successor"] = get_user_model().objects.filter(username=phone).first()
            if data["successor"] is None and not data.get("full_name", "").strip():
                self.add_error(
                    "full_name", _("No account has this phone number: enter the successor's full name.")
                )
        return data


class ResetAccessForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
