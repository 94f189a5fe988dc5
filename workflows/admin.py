from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from audit.admin_mixins import AuditedAdminMixin

from .models import CalendarDay, StepDeadline
from .steps.base import step_choices


class StepDeadlineForm(forms.ModelForm):
    # the steps of the step table (workflows.steps): a step added there is offered here without a migration
    step = forms.ChoiceField(label=_("step"), choices=step_choices)

    class Meta:
        model = StepDeadline
        fields = ["title_type", "step", "working_days", "warning_days"]


class StepFilter(admin.SimpleListFilter):
    title = _("step")
    parameter_name = "step"

    def lookups(self, request, model_admin):
        return step_choices()

    def queryset(self, request, queryset):
        return queryset.filter(step=self.value()) if self.value() else queryset


@admin.register(StepDeadline)
class StepDeadlineAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = StepDeadlineForm
    list_display = ("title_type", "step_label", "working_days", "warning_days")
    list_editable = ("working_days", "warning_days")
    list_filter = ("title_type", StepFilter)

    @admin.display(description=_("step"), ordering="step")
    def step_label(self, obj):
        return dict(step_choices()).get(obj.step, obj.step)


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("date", "is_working_day", "note")
    list_filter = ("is_working_day",)
    date_hierarchy = "date"
