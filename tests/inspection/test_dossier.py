"""The sealed dossier: a ZIP that `sha256sum -c` accepts, a PDF naming the case in Vietnamese, the events."""

import io
import json
import shutil
import subprocess
import zipfile

import pytest
from django.urls import reverse
from pypdf import PdfReader

from audit.hashing import HASHED_FIELDS, chain_hash
from audit.models import GENESIS_HASH, AuditEvent


@pytest.fixture
def dossier(client, world, revoked):
    client.login(username="inspector", password="pw")
    response = client.get(reverse("inspection:dossier", args=[revoked.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="needs coreutils sha256sum")
def test_dossier_verifies_with_sha256sum_after_unzipping(dossier, tmp_path, revoked):
    dossier.extractall(tmp_path)
    names = sorted(dossier.namelist())
    assert names[:2] == ["SHA256SUMS", "case.pdf"] and "events.json" in names
    evidence = [n for n in names if n.startswith("evidence/")]
    assert len(evidence) == revoked.evidence.count() > 0
    result = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path, capture_output=True, text=True)  # noqa: S603, S607
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": OK") == len(names) - 1
    # a changed file fails the check
    (tmp_path / "events.json").write_text("{}")
    failed = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path, capture_output=True, text=True)  # noqa: S603, S607
    assert failed.returncode != 0 and "events.json: FAILED" in failed.stdout


def test_dossier_pdf_names_the_case_and_subject_with_diacritics(dossier, revoked):
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(dossier.read("case.pdf"))).pages)
    assert revoked.reference in text
    assert "Hộ Trần Thị Ánh" in text
    assert "Bị thu hồi công nhận" in text


def test_dossier_events_recompute_to_their_hashes(dossier, revoked):
    doc = json.loads(dossier.read("events.json"))
    assert doc["stream"] == revoked.stream
    prev = GENESIS_HASH
    stored = list(
        AuditEvent.objects.filter(stream=revoked.stream).order_by("seq").values_list("hash", flat=True)
    )
    for row, expected in zip(doc["events"], stored, strict=True):
        import datetime

        values = {k: row[k] for k in HASHED_FIELDS}
        values["occurred_at"] = datetime.datetime.fromisoformat(values["occurred_at"])
        assert row["prev_hash"] == prev
        assert chain_hash(prev, values) == row["hash"] == expected
        prev = row["hash"]


def test_dossier_export_is_recorded_as_export_and_as_personal_data_access(dossier, revoked):
    export = AuditEvent.objects.get(event_type="case.dossier_exported")
    assert export.actor.username == "inspector" and export.data["case"] == revoked.reference
    access = AuditEvent.objects.get(stream=f"subject:{revoked.subject_id}", event_type="personal_data.viewed")
    assert access.data == {"what": "dossier", "case": revoked.reference}
    assert export.scope == access.scope == revoked.unit_path
