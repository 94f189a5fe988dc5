from django.contrib import admin

from audit.admin_mixins import AuditedAdminMixin

from .models import CalendarDay, StepDeadline


@admin.register(StepDeadline)
class StepDeadlineAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("title_type", "step", "working_days", "warning_days")
    list_editable = ("working_days", "warning_days")
    list_filter = ("title_type", "step")


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("date", "is_working_day", "note")
    list_filter = ("is_working_day",)
    date_hierarchy = "date"
