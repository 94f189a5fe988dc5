"""Evidence bytes against the audit chain: the SHA-256 recorded in a case's "evidence.added" event when the
file was added is the reference, not the file's own row (which could be changed together with the bytes).

Read by the sealed dossier (inspection.dossier) and the consistency checker (workflows.consistency)."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent

from .models import EvidenceFile

CHUNK = 1024 * 1024
ADDED = "evidence.added"

OK, CHANGED, MISSING, UNRECORDED = "ok", "changed", "missing", "unrecorded"
LABELS = {
    OK: _("matches the hash recorded when it was added"),
    CHANGED: _("CHANGED: the stored bytes differ from the hash recorded when it was added"),
    MISSING: _("MISSING: the file is not in storage"),
    UNRECORDED: _("no hash was recorded in the audit log when it was added"),
}


@dataclass(frozen=True)
class EvidenceCheck:
    evidence: EvidenceFile
    recorded: str | None  # from the audit chain
    actual: str | None  # of the bytes in storage now; None when the file is missing

    @property
    def status(self) -> str:
        return status_of(self.recorded, self.actual)

    @property
    def ok(self) -> bool:
        return self.status == OK

    @property
    def label(self) -> str:
        return str(LABELS[self.status])


def status_of(recorded: str | None, actual: str | None) -> str:
    if actual is None:
        return MISSING
    if recorded is None:
        return UNRECORDED
    return OK if recorded == actual else CHANGED


def recorded_hashes(events: Iterable[AuditEvent]) -> dict[int, str]:
    """{evidence id: SHA-256} from a stream's "evidence.added" events."""
    recorded = {}
    for event in events:
        data = event.data or {}
        if event.event_type == ADDED and isinstance(data.get("evidence_id"), int):
            recorded[data["evidence_id"]] = str(data.get("sha256", ""))
    return recorded


def recorded_hashes_of(streams: Iterable[str]) -> dict[int, str]:
    """{evidence id: SHA-256} recorded on the given case streams."""
    return recorded_hashes(
        AuditEvent.objects.filter(stream__in=list(streams), event_type=ADDED).only("event_type", "data")
    )


def stored_sha256(evidence: EvidenceFile) -> str | None:
    """The SHA-256 of the file's bytes in storage now; None when it is missing."""
    digest = hashlib.sha256()
    try:
        with evidence.file.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                digest.update(chunk)
    except (FileNotFoundError, ValueError):
        return None
    return digest.hexdigest()


def check_evidence(evidence: Iterable[EvidenceFile], recorded: dict[int, str]) -> list[EvidenceCheck]:
    """Hash each file's stored bytes and compare with the recorded hash."""
    return [EvidenceCheck(ev, recorded.get(ev.pk), stored_sha256(ev)) for ev in evidence]
