from django.contrib import admin
from django.forms.models import model_to_dict

from .services import record_event


class AuditedAdminMixin(admin.ModelAdmin):
    """Every configuration change made in the admin is an audit event on the model's config stream."""

    def _stream(self, obj) -> str:
        return f"config:{obj._meta.label_lower}:{obj.pk}"

    def save_model(self, request, obj, form, change):
        before = model_to_dict(form.instance.__class__.objects.get(pk=obj.pk)) if change and obj.pk else {}
        super().save_model(request, obj, form, change)
        after = model_to_dict(obj)
        changed = {k: {"from": before.get(k), "to": v} for k, v in after.items() if before.get(k) != v}
        record_event(
            self._stream(obj),
            "config.changed" if change else "config.created",
            actor=request.user,
            data={"model": obj._meta.label_lower, "object": str(obj), "changes": changed},
        )

    def delete_model(self, request, obj):
        stream, label = self._stream(obj), str(obj)
        super().delete_model(request, obj)
        record_event(stream, "config.deleted", actor=request.user, data={"object": label})

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
