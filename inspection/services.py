"""The workspace's own records: every export is an audit event, with who, what and how much."""

from django.db import transaction

from audit.models import AuditEvent
from audit.services import record_event
from cases.models import Case
from registry.models import Role
from registry.selectors import grant_covering

from .permissions import INSPECTION_ROLES, inspection_paths


def _stream(user) -> str:
    return f"inspection:{user.pk}"


def _grant(user, path: str):
    return grant_covering(user, path, INSPECTION_ROLES)


@transaction.atomic
def record_search_export(user, *, filters: dict, row_count: int, file_format: str) -> AuditEvent:
    """An export of an audit search; scoped to the exporter's (first) inspected unit."""
    paths = inspection_paths(user)
    scope = paths[0] if len(paths) == 1 else ""
    grant = _grant(user, scope) if scope else None
    return record_event(
        _stream(user),
        "audit.search_exported",
        actor=user,
        role=grant.role if grant else (Role.ADMINISTRATOR if user.is_superuser else ""),
        unit=grant.unit_code if grant else "",
        scope=scope,
        data={"format": file_format, "filters": filters, "rows": row_count},
    )


@transaction.atomic
def record_dossier_export(user, case: Case, *, files: int, mismatches: dict | None = None) -> AuditEvent:
    """A sealed dossier leaves the system: an export event (with the evidence files whose bytes did not match
    the audit chain, {evidence id: status}), and an access to the subject's personal data."""
    grant = _grant(user, case.unit_path)
    role = grant.role if grant else ""
    unit = grant.unit_code if grant else ""
    record_event(
        f"subject:{case.subject_id}",
        "personal_data.viewed",
        actor=user,
        role=role,
        unit=unit,
        scope=case.unit_path,
        data={"what": "dossier", "case": case.reference},
    )
    return record_event(
        _stream(user),
        "case.dossier_exported",
        actor=user,
        role=role,
        unit=unit,
        scope=case.unit_path,
        data={
            "case": case.reference,
            "stream": case.stream,
            "files": files,
            **({"evidence_mismatches": {str(k): v for k, v in mismatches.items()}} if mismatches else {}),
        },
    )
