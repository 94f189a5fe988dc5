from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from guardian.admin import GuardedModelAdminMixin

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
from .permissions import UNIT_PERMISSIONS
from .selectors import unit_permission_holders
from .services import assign_role, end_role_assignment


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(GuardedModelAdminMixin, AuditedAdminMixin):
    """Units, and on each unit's page who holds which permission there: django-guardian's object-permission
    pages, read-only, since every grant on a unit is derived from role assignments."""

    list_display = ("code", "name", "level", "parent", "area_class", "valid_from", "valid_to")
    list_filter = ("level", "area_class")
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)
    readonly_fields = ("path",)
    list_select_related = ("parent",)
    change_form_template = "admin/registry/administrativeunit/change_form.html"
    obj_perms_manage_template = "admin/registry/administrativeunit/unit_permissions.html"

    def audit_scope(self, obj) -> str:
        return obj.path

    def obj_perms_manage_view(self, request, object_pk):
        """Guardian's answer for each holder of a permission on the unit, and the roles it derives from."""
        unit = self.get_object(request, unquote(object_pk))
        if unit is None:
            raise Http404
        if not self.has_view_permission(request, unit):
            raise PermissionDenied
        holders = unit_permission_holders(unit)
        labels = dict(AdministrativeUnit._meta.permissions)
        context = {
            **self.get_obj_perms_base_context(request, unit),
            "title": _("Who holds permissions on %(unit)s") % {"unit": unit},
            "unit_permissions": [(codename, labels[codename]) for codename in UNIT_PERMISSIONS],
            "rows": [
                {
                    "holder": holder,
                    "cells": [
                        {
                            "codename": codename,
                            "held": codename in holder.permissions,
                            "derived": codename in holder.derived_permissions,
                        }
                        for codename in UNIT_PERMISSIONS
                    ],
                }
                for holder in holders
            ],
            "differing": sum(holder.differs for holder in holders),
            "ancestors": list(reversed(unit.ancestors())),
            "assignments_url": reverse("admin:registry_roleassignment_changelist")
            + f"?unit__id__exact={unit.pk}",
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.obj_perms_manage_template, context)

    def obj_perms_manage_user_view(self, request, object_pk, user_id):
        return self._derived_only(request, object_pk)

    def obj_perms_manage_group_view(self, request, object_pk, group_id):
        return self._derived_only(request, object_pk)

    def _derived_only(self, request, object_pk):
        """Guardian's edit pages: grants on units are derived, changed only through role assignments."""
        messages.warning(
            request,
            _("Permissions on units are derived from role assignments: assign or end a role instead."),
        )
        return redirect("admin:registry_administrativeunit_permissions", object_pk)


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(AuditedAdminMixin):
    list_display = ("old_unit", "new_unit", "effective_date", "share")
    autocomplete_fields = ("old_unit", "new_unit")
    list_select_related = ("old_unit", "new_unit")

    def audit_scope(self, obj) -> str:
        return obj.old_unit.path


class HouseholdMemberInline(admin.TabularInline):
    model = HouseholdMember
    extra = 0


class SubjectAdmin(AuditedAdminMixin):
    list_display = ("code", "name", "unit", "area_class")

    def audit_scope(self, obj) -> str:
        return obj.unit.path

    search_fields = ("code", "name", "name_folded")
    autocomplete_fields = ("unit",)
    list_select_related = ("unit",)
    show_full_result_count = False


@admin.register(Household)
class HouseholdAdmin(SubjectAdmin):
    list_display = ("code", "name", "head_name", "unit", "area_class")
    personal_data = True  # members' names, birth years, relations
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
    personal_data = True


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
    """Assignments go through the registry services, which derive guardian's grants and audit the change."""

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
