from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from audit.admin_mixins import AuditedAdminMixin
from registry.selectors import path_q, scope_paths

from .models import (
    CriteriaSet,
    CriteriaSetAdoption,
    Criterion,
    CriterionItem,
    EvidenceRequirement,
    PlanTarget,
    PopulationFigure,
    RecognitionAuthority,
    TitleType,
)
from .services import (
    adopt_criteria_set,
    adoption_errors,
    can_adopt_criteria,
    can_enter_population,
    record_population_figure,
    revise_criteria_set,
)


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
    list_display = (
        "name",
        "title_type",
        "version",
        "province",
        "valid_from",
        "valid_to",
        "is_sample",
        "thresholds_are_sample",
    )
    list_filter = ("title_type", "is_sample", "thresholds_are_sample")
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
    list_display = ("code", "text", "criterion", "max_points", "level", "required", "is_sample_value")
    list_filter = ("criterion__criteria_set", "is_sample_value")
    inlines = [EvidenceRequirementInline]

    def _set_of(self, obj):
        return obj.criterion.criteria_set


@admin.register(PlanTarget)
class PlanTargetAdmin(AuditedAdminMixin):
    list_display = (
        "title_type",
        "unit",
        "year_from",
        "year_to",
        "area_class",
        "target_percent",
        "population",
    )
    list_filter = ("title_type", "year_from", "population")
    autocomplete_fields = ("unit",)

    def audit_scope(self, obj) -> str:
        return obj.unit.path  # a unit's target: its inspectors see the change


class CriteriaSetAdoptionForm(forms.ModelForm):
    """The adoption's fields, checked by the service's own rules (one rule, one message)."""

    class Meta:
        model = CriteriaSetAdoption
        fields = ("criteria_set", "province", "year", "decision_reference", "decision_date")

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if not can_adopt_criteria(self.user, data["province"]):
            raise forms.ValidationError(
                _("Only an administrator of the province can adopt its criteria sets.")
            )
        errors = adoption_errors(
            data["criteria_set"],
            data["province"],
            data["year"],
            data["decision_reference"].strip(),
            data["decision_date"],
        )
        for field, messages_ in errors.items():
            self.add_error(field, messages_)
        return data


@admin.register(CriteriaSetAdoption)
class CriteriaSetAdoptionAdmin(admin.ModelAdmin):
    """A province adopts a set for a year through the service (audited); an adoption is never edited."""

    form = CriteriaSetAdoptionForm
    list_display = ("criteria_set", "province", "year", "decision_reference", "decision_date", "adopted_by")
    list_filter = ("year", "province")
    list_select_related = ("criteria_set", "province", "adopted_by")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user
        return form

    def get_queryset(self, request):
        return _in_scope(super().get_queryset(request), request.user, "province__path")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields] if obj is not None else ()

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            raise PermissionDenied
        data = form.cleaned_data
        adoption = adopt_criteria_set(
            data["criteria_set"],
            province=data["province"],
            year=data["year"],
            decision_reference=data["decision_reference"],
            decision_date=data["decision_date"],
            actor=request.user,
        )
        obj.pk, obj.adopted_at, obj.adopted_by = adoption.pk, adoption.adopted_at, adoption.adopted_by


class PopulationFigureForm(forms.ModelForm):
    class Meta:
        model = PopulationFigure
        fields = ("unit", "year", "population", "count", "source")

    def validate_unique(self):
        """An existing figure for the unit, year and population is corrected by the service, not refused."""

    def clean(self):
        data = super().clean()
        if not self.errors and not can_enter_population(self.user, data["unit"]):
            raise forms.ValidationError(
                _("You cannot enter population figures for %(unit)s.") % {"unit": data["unit"].name}
            )
        return data


@admin.register(PopulationFigure)
class PopulationFigureAdmin(admin.ModelAdmin):
    """A unit's population for a year, entered where the registry is incomplete (through the service)."""

    form = PopulationFigureForm
    list_display = ("unit", "year", "population", "count", "source", "entered_by")
    list_filter = ("year", "population")
    autocomplete_fields = ("unit",)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user
        return form

    def get_queryset(self, request):
        return _in_scope(super().get_queryset(request), request.user, "unit__path")

    def get_readonly_fields(self, request, obj=None):
        return ("unit", "year", "population") if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        figure = record_population_figure(
            obj.unit,
            year=obj.year,
            population=obj.population,
            count=obj.count,
            source=obj.source,
            actor=request.user,
        )
        obj.pk, obj.entered_by, obj.entered_at = figure.pk, figure.entered_by, figure.entered_at


def _in_scope(queryset, user, path_field: str):
    """A staff member sees the rows of their own units only (a superuser, all)."""
    if user.is_superuser:
        return queryset
    return queryset.filter(path_q(scope_paths(user), field=path_field))


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
