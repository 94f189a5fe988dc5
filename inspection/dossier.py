"""The sealed dossier of one case: a ZIP with the case file as PDF, its evidence files, its audit events as
JSON and a manifest of SHA-256 sums in the format of ``sha256sum -c``."""

import hashlib
import json
import tempfile
import zipfile

from django.utils import timezone
from django.utils.text import get_valid_filename

from audit.checkpoints import CHUNK_SIZE
from audit.hashing import HASHED_FIELDS
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


def build_dossier(case: Case, *, exported_by) -> tempfile.SpooledTemporaryFile:
    """Write the ZIP to a spooled temporary file (rewound) and return it."""
    events = list(case_events(case))
    steps = replay(events, authority_for(case.title_type_id, case.unit_path))
    evidence = list(evidence_for(case))
    pdf = render_pdf(
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
        },
    )
    sums: list[tuple[str, str]] = []
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _add_bytes(archive, sums, "case.pdf", pdf)
        for ev in evidence:
            _add_file(archive, sums, evidence_path(ev), ev)
        _add_bytes(archive, sums, "events.json", events_document(case, events))
        manifest = "".join(f"{digest}  {name}\n" for name, digest in sums)
        archive.writestr("SHA256SUMS", manifest)
    out.seek(0)
    return out


def _add_bytes(archive: zipfile.ZipFile, sums: list, name: str, content: bytes) -> None:
    archive.writestr(name, content)
    sums.append((name, hashlib.sha256(content).hexdigest()))


def _add_file(archive: zipfile.ZipFile, sums: list, name: str, evidence: EvidenceFile) -> None:
    digest = hashlib.sha256()
    with evidence.file.open("rb") as source, archive.open(name, "w") as target:
        while chunk := source.read(CHUNK_SIZE * 64):
            digest.update(chunk)
            target.write(chunk)
    sums.append((name, digest.hexdigest()))
