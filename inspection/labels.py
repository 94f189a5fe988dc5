"""What every audit event type is called in the inspector workspace (stored types are stable codes)."""

from django.utils.translation import gettext_lazy as _

from cases.events import EVENT_LABELS as CASE_EVENT_LABELS

EVENT_LABELS = {
    **CASE_EVENT_LABELS,
    "personal_data.viewed": _("Personal data viewed"),
    "subject.created": _("Subject registered"),
    "subject.texts_chosen": _("Household's choice of text messages"),
    "role.assigned": _("Role assigned"),
    "role.ended": _("Role ended"),
    "role.group_removed": _("Expired role removed from its group"),
    "criteria_set.revised": _("Criteria set revised"),
    "config.created": _("Configuration created"),
    "config.changed": _("Configuration changed"),
    "config.deleted": _("Configuration deleted"),
    "audit.search_exported": _("Audit search exported"),
    "case.dossier_exported": _("Sealed dossier exported"),
}

# What a personal-data access was (the `what` of personal_data.viewed events).
ACCESS_LABELS = {
    "household_members": _("Household members viewed"),
    "evidence": _("Evidence downloaded"),
    "evidence_preview": _("Evidence previewed"),
    "dossier": _("Sealed dossier exported"),
    "public_status": _("Case status looked up on the public page"),
    "certificate": _("Certificate downloaded"),
    "decision": _("Decision and annex downloaded"),
    "minutes": _("Meeting minutes downloaded"),
    "finding_file": _("Audit finding file downloaded"),
    "admin": _("Opened in the administration"),
}


def event_label(event_type: str) -> str:
    return str(EVENT_LABELS.get(event_type, event_type))


def event_type_choices() -> list[tuple[str, str]]:
    return sorted(((code, str(label)) for code, label in EVENT_LABELS.items()), key=lambda c: c[1])
