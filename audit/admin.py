from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .jobs import retry_job
from .models import AuditEvent, BackgroundJob, Checkpoint, ConsistencyRun, StreamHead, VerificationRun


class ReadOnlyAdmin(admin.ModelAdmin):
    """Audit records are visible to administrators and never editable, by any path."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "stream", "seq", "event_type", "actor_name", "actor_role", "actor_unit")
    list_filter = ("event_type",)
    search_fields = ("stream", "actor_name", "event_type")
    date_hierarchy = "occurred_at"
    show_full_result_count = False


@admin.register(Checkpoint)
class CheckpointAdmin(ReadOnlyAdmin):
    list_display = ("day", "cutoff", "stream_count", "event_count", "hash")


@admin.register(StreamHead)
class StreamHeadAdmin(ReadOnlyAdmin):
    list_display = ("stream", "seq", "hash")
    search_fields = ("stream",)
    show_full_result_count = False


@admin.register(VerificationRun)
class VerificationRunAdmin(ReadOnlyAdmin):
    list_display = (
        "started_at",
        "trigger",
        "ok",
        "events_checked",
        "problem_count",
        "first_stream",
        "first_seq",
    )
    list_filter = ("ok", "trigger")


@admin.register(ConsistencyRun)
class ConsistencyRunAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "trigger", "ok", "problem_count")
    list_filter = ("ok", "trigger")


@admin.register(BackgroundJob)
class BackgroundJobAdmin(ReadOnlyAdmin):
    """What the background work is doing; a job that failed too often is retried from here."""

    list_display = ("key", "task", "state", "attempts", "next_attempt_at", "started_at", "finished_at")
    list_filter = ("state", "task")
    search_fields = ("key",)
    readonly_fields = ("last_error",)
    actions = ["retry_jobs"]

    @admin.action(description=gettext_lazy("Retry the selected jobs now"))
    def retry_jobs(self, request, queryset):
        retried = [retry_job(job, actor=request.user) for job in queryset.order_by("pk")]
        messages.success(request, _("%(n)s job(s) sent again.") % {"n": len(retried)})
