from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from audit.admin_mixins import AuditedAdminMixin

from .models import (
    CriteriaSet,
    Criterion,
    CriterionItem,
    EvidenceRequirement,
    PlanTarget,
    RecognitionAuthority,
    TitleType,
)
from .services import revise_criteria_set


@admin.register(TitleType)
class TitleTypeAdmin(AuditedAdminMixin):
    list_display = ("code", "name", "subject_kind", "case_unit_level", "active")


class InUseReadOnlyMixin:
    """A criteria set used by cases is frozen; a new version is made with the action instead."""

    def _set_of(self, obj):
        raise NotImplementedError

    def has_change_permission(self, request, obj=None):
        if obj is not None and self._set_of(obj).is_in_use:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and self._set_of(obj).is_in_use:
            return False
        return super().has_delete_permission(request, obj)


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    show_change_link = True


@admin.register(CriteriaSet)
class CriteriaSetAdmin(InUseReadOnlyMixin, AuditedAdminMixin):
    list_display = ("name", "title_type", "version", "province", "valid_from", "valid_to", "is_sample")
    list_filter = ("title_type", "is_sample")
    inlines = [CriterionInline]
    actions = ["make_new_version"]
    readonly_fields = ("derived_from",)

    def _set_of(self, obj):
        return obj

    @admin.action(description=_("Create a new version for editing"))
    def make_new_version(self, request, queryset):
        for criteria_set in queryset:
            clone = revise_criteria_set(criteria_set, actor=request.user)
            self.message_user(request, _("Created %(set)s.") % {"set": clone}, messages.SUCCESS)


class CriterionItemInline(admin.TabularInline):
    model = CriterionItem
    extra = 0
    show_change_link = True


@admin.register(Criterion)
class CriterionAdmin(InUseReadOnlyMixin, AuditedAdminMixin):
    list_display = ("code", "name", "criteria_set", "max_points")
    list_filter = ("criteria_set",)
    inlines = [CriterionItemInline]

    def _set_of(self, obj):
        return obj.criteria_set


class EvidenceRequirementInline(admin.TabularInline):
    model = EvidenceRequirement
    extra = 0


@admin.register(CriterionItem)
class CriterionItemAdmin(InUseReadOnlyMixin, AuditedAdminMixin):
    list_display = ("code", "text", "criterion", "max_points", "level", "required")
    list_filter = ("criterion__criteria_set",)
    inlines = [EvidenceRequirementInline]

    def _set_of(self, obj):
        return obj.criterion.criteria_set


@admin.register(PlanTarget)
class PlanTargetAdmin(AuditedAdminMixin):
    list_display = ("title_type", "unit", "year_from", "year_to", "area_class", "target_percent")
    list_filter = ("title_type", "year_from")
    autocomplete_fields = ("unit",)


@admin.register(RecognitionAuthority)
class RecognitionAuthorityAdmin(AuditedAdminMixin):
    """Who proposes, decides and audits each title; a row that strands a step is refused by its form."""

    list_display = (
        "title_type",
        "province",
        "proposer_role",
        "decider_body",
        "decider_role",
        "decider_level",
        "auditor_role",
        "decision_suffix",
    )
    list_filter = ("title_type", "province")
