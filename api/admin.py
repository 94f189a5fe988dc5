"""API tokens in the admin: issue one (the token is shown once), revoke; the hash is never shown."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.exceptions import CaseActionError

from . import services
from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "user__username", "prefix")
    fields = (
        "user",
        "name",
        "prefix",
        "created_at",
        "created_by",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    )
    readonly_fields = ("prefix", "created_at", "created_by", "last_used_at", "revoked_at", "revoked_by")
    autocomplete_fields = ("user",)
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "user", "name") if obj else self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, never deleted: the audit events name the token

    def save_model(self, request, obj, form, change):
        if change:
            return  # nothing of an issued token can be edited
        try:
            token, raw = services.issue_token(obj.user, name=obj.name, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return
        obj.pk = token.pk
        messages.warning(
            request,
            _("Token for %(name)s: %(token)s. Copy it now: it is not stored and will not be shown again.")
            % {"name": token.name, "token": raw},
        )

    @admin.action(description=gettext_lazy("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        revoked = 0
        for token in queryset:
            try:
                services.revoke_token(token, actor=request.user)
            except CaseActionError:
                continue
            revoked += 1
        messages.success(request, _("%(n)s tokens revoked.") % {"n": revoked})
