from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db import transaction
from django.forms.models import model_to_dict

from .services import record_event


class AuditedAdminMixin(admin.ModelAdmin):
    """Every change made in the admin is an audit event on the object's config stream, scoped to its unit.

    `audit_scope(obj)` is the materialised path of the unit the object belongs to ("" for province-wide
    configuration): inspectors find the event only under that unit, as for the same change made on a page.
    Inline rows (a household's members) are audited with their parent. With `personal_data = True`, opening
    an object's change page is recorded as a personal-data access on the subject's stream.
    """

    personal_data = False

    def audit_scope(self, obj) -> str:
        return ""

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
            scope=self.audit_scope(obj),
            data={"model": obj._meta.label_lower, "object": str(obj), "changes": _plain(changed)},
        )

    def save_formset(self, request, form, formset, change):
        """The inline rows added, changed and removed, each an event on the parent's stream."""
        super().save_formset(request, form, formset, change)
        parent = form.instance
        scope = self.audit_scope(parent)
        for obj in formset.new_objects:
            self._inline_event(request, parent, scope, "added", obj, model_to_dict(obj))
        for obj, fields in formset.changed_objects:
            self._inline_event(
                request, parent, scope, "changed", obj, {f: model_to_dict(obj).get(f) for f in fields}
            )
        for obj in formset.deleted_objects:
            self._inline_event(request, parent, scope, "removed", obj, {})

    def _inline_event(self, request, parent, scope, what, obj, values):
        record_event(
            self._stream(parent),
            "config.changed",
            actor=request.user,
            scope=scope,
            data={
                "model": parent._meta.label_lower,
                "object": str(parent),
                "inline": {"model": obj._meta.label_lower, "row": str(obj), what: _plain(values)},
            },
        )

    def delete_model(self, request, obj):
        stream, label, scope = self._stream(obj), str(obj), self.audit_scope(obj)
        super().delete_model(request, obj)
        record_event(stream, "config.deleted", actor=request.user, scope=scope, data={"object": label})

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if self.personal_data and request.method == "GET":
            obj = self.get_object(request, unquote(object_id))
            if obj is not None and self.has_view_or_change_permission(request, obj):
                with transaction.atomic():
                    record_event(
                        f"subject:{obj.pk}",
                        "personal_data.viewed",
                        actor=request.user,
                        scope=self.audit_scope(obj),
                        data={"what": "admin", "model": obj._meta.label_lower, "object": str(obj)},
                    )
        return super().change_view(request, object_id, form_url, extra_context)


def _plain(value):
    """JSON-safe values for the event data (dates, decimals and model instances as text)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
