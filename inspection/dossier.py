"""The sealed dossier of one case: a ZIP with the case file as PDF, its evidence files, its audit events as
JSON, the check of each evidence file's bytes against the hash the audit chain recorded when it was added
(evidence-check.json, and marked in the PDF), and a manifest of SHA-256 sums in the format of
``sha256sum -c``."""

import hashlib
import json
import tempfile
import zipfile

from django.utils import timezone
from django.utils.text import get_valid_filename

from audit.checkpoints import CHUNK_SIZE
from audit.hashing import HASHED_FIELDS
from cases.evidence_check import EvidenceCheck, recorded_hashes
from cases.models import Case, EvidenceFile
from cases.pdf import render_pdf
from cases.selectors import evidence_for, score_sheet
from criteria.authority import authority_for

from .history import replay
from .selectors import case_events

SPOOL_BYTES = 16 * 1024 * 1024  # kept in memory up to this size, then on disk


def dossier_name(case: Case) -> str:
    return f"{get_valid_filename(case.reference)}.zip"


def evidence_path(evidence: EvidenceFile) -> str:
    name = get_valid_filename(evidence.original_name) or "file"
    return f"evidence/{evidence.pk}-{name}"


def events_document(case: Case, events) -> bytes:
    """The case stream's events with every hashed field and both hashes, so the chain can be recomputed."""
    rows = []
    for e in events:
        row = {name: getattr(e, name) for name in HASHED_FIELDS}
        row["occurred_at"] = e.occurred_at.isoformat(timespec="microseconds")
        row.update(prev_hash=e.prev_hash, hash=e.hash)
        rows.append(row)
    doc = {"case": case.reference, "stream": case.stream, "events": rows}
    return (json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n").encode()


def checks_document(case: Case, checks: list[EvidenceCheck]) -> bytes:
    doc = {
        "case": case.reference,
        "evidence": [
            {
                "path": evidence_path(c.evidence),
                "name": c.evidence.original_name,
                "recorded_sha256": c.recorded,
                "stored_sha256": c.actual,
                "status": c.status,
            }
            for c in checks
        ],
    }
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode()


def build_dossier(case: Case, *, exported_by) -> tempfile.SpooledTemporaryFile:
    """Write the ZIP to a spooled temporary file (rewound) and return it, with the evidence checks."""
    out, _checks = build_checked_dossier(case, exported_by=exported_by)
    return out


def build_checked_dossier(case: Case, *, exported_by) -> tuple[tempfile.SpooledTemporaryFile, list]:
    """The dossier and the check of every evidence file in it (a file missing from storage is left out of the
    archive and marked)."""
    events = list(case_events(case))
    steps = replay(events, authority_for(case.title_type_id, case.unit_path))
    evidence = list(evidence_for(case))
    recorded = recorded_hashes(events)
    sums: list[tuple[str, str]] = []
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        checks = [
            EvidenceCheck(ev, recorded.get(ev.pk), _add_file(archive, sums, evidence_path(ev), ev))
            for ev in evidence
        ]
        for ev, check in zip(evidence, checks, strict=True):
            ev.bytes_check = check  # the PDF's evidence table marks each file
        _add_bytes(archive, sums, "case.pdf", _case_pdf(case, evidence, steps, checks, exported_by))
        _add_bytes(archive, sums, "events.json", events_document(case, events))
        _add_bytes(archive, sums, "evidence-check.json", checks_document(case, checks))
        manifest = "".join(f"{digest}  {name}\n" for name, digest in sums)
        archive.writestr("SHA256SUMS", manifest)
    out.seek(0)
    return out, checks


def _case_pdf(case, evidence, steps, checks, exported_by) -> bytes:
    return render_pdf(
        "documents/case_dossier.html",
        {
            "case": case,
            "issuer": case.unit.name,
            "place_date": timezone.localtime().strftime("%d/%m/%Y"),
            "evidence": evidence,
            "score_sheet": score_sheet(case),
            "steps": steps,
            "exported_by": exported_by.get_username(),
            "exported_at": timezone.localtime(),
            "evidence_mismatches": [c for c in checks if not c.ok],
        },
    )


def _add_bytes(archive: zipfile.ZipFile, sums: list, name: str, content: bytes) -> None:
    archive.writestr(name, content)
    sums.append((name, hashlib.sha256(content).hexdigest()))


def _add_file(archive: zipfile.ZipFile, sums: list, name: str, evidence: EvidenceFile) -> str | None:
    """Copy the stored file into the archive; its SHA-256, or None when it is missing from storage."""
    digest = hashlib.sha256()
    try:
        source = evidence.file.open("rb")
    except (FileNotFoundError, ValueError):
        return None
    with source, archive.open(name, "w") as target:
        while chunk := source.read(CHUNK_SIZE * 64):
            digest.update(chunk)
            target.write(chunk)
    sums.append((name, digest.hexdigest()))
    return digest.hexdigest()
