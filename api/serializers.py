"""What the API returns: read-only shapes of the records the selectors give (payloads live in the views)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.events import event_label
from cases.models import Case, EvidenceFile
from notifications.models import Notification
from registry.models import Role
from workflows.models import CaseTask
from workflows.steps.base import step_named


class CaseSerializer(serializers.ModelSerializer):
    subject = serializers.CharField(source="subject.name")
    title = serializers.CharField(source="title_type.code")
    title_name = serializers.CharField(source="title_type.name")
    unit = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")
    state_label = serializers.CharField(source="get_state_display")

    class Meta:
        model = Case
        fields = [
            "id",
            "reference",
            "subject",
            "title",
            "title_name",
            "year",
            "unit",
            "unit_name",
            "state",
            "state_label",
            "total_score",
            "level",
            "meets_criteria",
            "decision_reference",
            "decision_date",
            "updated_at",
        ]
        read_only_fields = fields


class StepSerializer(serializers.ModelSerializer):
    """One human step of a case or a work list."""

    step_label = serializers.SerializerMethodField()
    owner = serializers.SerializerMethodField()

    class Meta:
        model = CaseTask
        fields = ["id", "step", "step_label", "status", "owner", "created", "due_at", "finished"]
        read_only_fields = fields

    def get_step_label(self, task) -> str:
        declared = step_named(task.step)
        return str(declared.label) if declared is not None else task.step

    def get_owner(self, task) -> str | None:
        return task.owner.get_username() if task.owner_id else None


class TaskSerializer(StepSerializer):
    """A step in the inbox or the queue, with its case."""

    case = CaseSerializer()

    class Meta(StepSerializer.Meta):
        fields = [*StepSerializer.Meta.fields, "case"]
        read_only_fields = fields


class EvidenceSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="item.code")
    uploaded_by = serializers.CharField(source="uploaded_by.username")
    active = serializers.BooleanField(source="is_active")

    class Meta:
        model = EvidenceFile
        fields = [
            "id",
            "item",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "uploaded_at",
            "active",
            "removal_reason",
        ]
        read_only_fields = fields


class EventSerializer(serializers.Serializer):
    """An audit event as the case file's history and the inspectors' search show it."""

    id = serializers.IntegerField()
    stream = serializers.CharField()
    seq = serializers.IntegerField()
    event_type = serializers.CharField()
    label = serializers.SerializerMethodField()
    occurred_at = serializers.DateTimeField()
    actor = serializers.CharField(source="actor_name")
    role = serializers.SerializerMethodField()
    unit = serializers.CharField(source="actor_unit")
    reason = serializers.CharField()
    data = serializers.JSONField()

    def get_label(self, event) -> str:
        return event_label(event.event_type)

    def get_role(self, event) -> str:
        return str(dict(Role.choices).get(event.actor_role, event.actor_role))


class CaseDetailSerializer(CaseSerializer):
    steps = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()
    evidence = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "outcome_reason", "created_at", "steps", "history", "evidence"]
        read_only_fields = fields

    @extend_schema_field(StepSerializer(many=True))
    def get_steps(self, case):
        return StepSerializer(self.context["steps"], many=True).data

    @extend_schema_field(EventSerializer(many=True))
    def get_history(self, case):
        return EventSerializer(self.context["events"], many=True).data

    @extend_schema_field(EvidenceSerializer(many=True))
    def get_evidence(self, case):
        return EvidenceSerializer(self.context["evidence"], many=True).data


class NotificationSerializer(serializers.ModelSerializer):
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at", "read"]
        read_only_fields = fields

    def get_read(self, notification) -> bool:
        return notification.read_at is not None
