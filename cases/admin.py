from django.contrib import admin

from .models import Case, EvidenceFile, Score


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class EvidenceInline(ReadOnlyInline):
    model = EvidenceFile
    fields = (
        "item",
        "original_name",
        "content_type",
        "size",
        "sha256",
        "uploaded_by",
        "uploaded_at",
        "removed_at",
    )
    readonly_fields = fields


class ScoreInline(ReadOnlyInline):
    model = Score
    fields = ("item", "points", "passed", "comment", "scored_by")
    readonly_fields = fields


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Cases change only through the lifecycle services; the admin shows them read-only."""

    list_display = ("reference", "subject", "title_type", "year", "unit", "state")
    list_filter = ("state", "title_type", "year")
    search_fields = ("reference", "subject__name_folded")
    list_select_related = ("subject", "title_type", "unit")
    show_full_result_count = False
    inlines = [ScoreInline, EvidenceInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
