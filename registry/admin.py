from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from audit.admin_mixins import AuditedAdminMixin

from .models import (
    AdministrativeUnit,
    Clan,
    Community,
    Household,
    HouseholdMember,
    Organisation,
    Person,
    RoleAssignment,
    UnitSuccession,
)
from .services import assign_role, end_role_assignment


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(AuditedAdminMixin):
    list_display = ("code", "name", "level", "parent", "area_class", "valid_from", "valid_to")
    list_filter = ("level", "area_class")
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)
    readonly_fields = ("path",)
    list_select_related = ("parent",)


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(AuditedAdminMixin):
    list_display = ("old_unit", "new_unit", "effective_date", "share")
    autocomplete_fields = ("old_unit", "new_unit")
    list_select_related = ("old_unit", "new_unit")


class HouseholdMemberInline(admin.TabularInline):
    model = HouseholdMember
    extra = 0


class SubjectAdmin(AuditedAdminMixin):
    list_display = ("code", "name", "unit", "area_class")
    search_fields = ("code", "name", "name_folded")
    autocomplete_fields = ("unit",)
    list_select_related = ("unit",)
    show_full_result_count = False


@admin.register(Household)
class HouseholdAdmin(SubjectAdmin):
    list_display = ("code", "name", "head_name", "unit", "area_class")
    inlines = [HouseholdMemberInline]


@admin.register(Clan)
class ClanAdmin(SubjectAdmin):
    autocomplete_fields = ("unit", "households")


@admin.register(Community)
class CommunityAdmin(SubjectAdmin):
    pass


@admin.register(Organisation)
class OrganisationAdmin(SubjectAdmin):
    list_display = ("code", "name", "org_type", "member_count", "unit")


@admin.register(Person)
class PersonAdmin(SubjectAdmin):
    list_display = ("code", "name", "birth_year", "unit")


class RoleAssignmentForm(forms.ModelForm):
    end_reason = forms.CharField(
        label=_("Reason for ending"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    class Meta:
        model = RoleAssignment
        fields = ("user", "role", "unit", "valid_from", "valid_to")

    def clean(self):
        data = super().clean()
        if (
            self.instance.pk
            and "valid_to" in self.changed_data
            and not (data.get("end_reason") or "").strip()
        ):
            raise ValidationError({"end_reason": _("A reason is required.")})
        return data


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    """Assignments go through the registry services so guardian groups and the audit log stay in step."""

    form = RoleAssignmentForm
    list_display = ("user", "role", "unit", "valid_from", "valid_to")
    list_filter = ("role",)
    search_fields = ("user__username", "unit__name", "unit__code")
    autocomplete_fields = ("user", "unit")
    list_select_related = ("user", "unit")

    def get_readonly_fields(self, request, obj=None):
        return ("user", "role", "unit", "valid_from") if obj else ()

    def save_model(self, request, obj, form, change):
        if change:
            end_role_assignment(
                obj,
                actor=request.user,
                on=form.cleaned_data["valid_to"],
                reason=form.cleaned_data["end_reason"],
            )
        else:
            saved = assign_role(
                obj.user,
                role=obj.role,
                unit=obj.unit,
                actor=request.user,
                valid_from=obj.valid_from,
                valid_to=obj.valid_to,
            )
            obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        return False
