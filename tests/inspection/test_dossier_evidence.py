"""The sealed dossier compares each evidence file's stored bytes with the SHA-256 the audit chain recorded
when it was added, and marks what does not match (in evidence-check.json, in the PDF, in the export event)."""

import io
import json
import zipfile

from django.urls import reverse
from pypdf import PdfReader

from audit.models import AuditEvent


def _dossier(client, case) -> zipfile.ZipFile:
    client.login(username="inspector", password="pw")
    response = client.get(reverse("inspection:dossier", args=[case.pk]))
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def _tamper(evidence, content: bytes) -> None:
    """Overwrite the stored bytes behind the system's back (as a disk fault or an intruder would)."""
    with evidence.file.storage.open(evidence.file.name, "wb") as handle:
        handle.write(content)


def test_untouched_evidence_is_checked_ok(client, world, revoked):
    checks = json.loads(_dossier(client, revoked).read("evidence-check.json"))["evidence"]
    assert len(checks) == revoked.evidence.count() > 0
    assert {c["status"] for c in checks} == {"ok"}
    assert all(c["recorded_sha256"] == c["stored_sha256"] for c in checks)


def test_changed_and_missing_evidence_are_marked_in_the_dossier_and_its_export_event(client, world, revoked):
    changed, missing, *_ = list(revoked.evidence.order_by("pk"))
    recorded = AuditEvent.objects.get(
        stream=revoked.stream, event_type="evidence.added", data__evidence_id=changed.pk
    )
    _tamper(changed, b"%PDF-1.4 forged")
    missing.file.storage.delete(missing.file.name)

    archive = _dossier(client, revoked)
    checks = json.loads(archive.read("evidence-check.json"))["evidence"]
    by_pk = {c["path"].split("/")[1].split("-")[0]: c for c in checks}
    assert by_pk[str(changed.pk)]["status"] == "changed"
    assert by_pk[str(changed.pk)]["recorded_sha256"] == recorded.data["sha256"]
    assert by_pk[str(changed.pk)]["stored_sha256"] != recorded.data["sha256"]
    assert by_pk[str(missing.pk)]["status"] == "missing"
    assert by_pk[str(missing.pk)]["path"] not in archive.namelist()
    assert all(c["status"] == "ok" for pk, c in by_pk.items() if pk not in {str(changed.pk), str(missing.pk)})

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(archive.read("case.pdf"))).pages)
    assert "2 tệp minh chứng không khớp" in text and "ĐÃ THAY ĐỔI" in text and "KHÔNG CÒN" in text

    export = AuditEvent.objects.filter(event_type="case.dossier_exported").latest("pk")
    assert export.data["evidence_mismatches"] == {str(changed.pk): "changed", str(missing.pk): "missing"}


def test_a_file_row_changed_with_its_bytes_is_still_caught(client, world, revoked):
    """The row's own sha256 is no reference: the audit chain's is."""
    evidence = revoked.evidence.order_by("pk").first()
    forged = b"%PDF-1.4 forged"
    _tamper(evidence, forged)
    import hashlib

    type(evidence).objects.filter(pk=evidence.pk).update(sha256=hashlib.sha256(forged).hexdigest())
    checks = json.loads(_dossier(client, revoked).read("evidence-check.json"))["evidence"]
    assert [c["status"] for c in checks if c["path"].startswith(f"evidence/{evidence.pk}-")] == ["changed"]
