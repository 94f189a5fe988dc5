"""Files of an audit finding: checked as evidence files are, kept with the finding, downloaded in scope."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from approvals import services
from approvals.models import AuditSample, FindingFile
from audit.models import AuditEvent
from cases.models import Case, CaseState
from tests.approvals.builders import proposed_cases, signed_decision
from tests.builders import jpeg_upload, make_user, pdf_bytes, pdf_upload
from workflows import services as workflow


@pytest.fixture
def audit(world):
    decision = signed_decision(world, proposed_cases(world, 2))
    return services.open_audit(decision, actor=world.user("auditor"), share=1, minimum=0, seed=5)


def _finding_url(audit, sample):
    return reverse("approvals:audit_finding", args=[audit.pk, sample.pk])


def test_a_problem_is_recorded_with_its_files_through_the_page(world, client, audit):
    sample = audit.samples.order_by("case_id").first()
    client.force_login(world.user("auditor"))
    pdf, photo = pdf_upload("bien-ban-xac-minh.pdf"), jpeg_upload("anh-hien-truong.jpg")
    response = client.post(
        _finding_url(audit, sample),
        {
            f"s{sample.pk}-finding": "problem",
            f"s{sample.pk}-description": "Hộ đã chuyển đi từ tháng 3",
            f"s{sample.pk}-files": [pdf, photo],
        },
    )

    assert response.status_code == 302
    files = list(FindingFile.objects.filter(sample=sample).order_by("pk"))
    assert [(f.original_name, f.content_type) for f in files] == [
        ("bien-ban-xac-minh.pdf", "application/pdf"),
        ("anh-hien-truong.jpg", "image/jpeg"),
    ]
    assert files[0].sha256 == hashlib.sha256(pdf_bytes()).hexdigest()
    assert "bien-ban" not in files[0].file.name and files[0].file.name.endswith(files[0].sha256)
    event = AuditEvent.objects.get(stream=audit.stream, event_type="audit.finding_recorded")
    assert [f["sha256"] for f in event.data["files"]] == [f.sha256 for f in files]
    page = client.get(reverse("approvals:audit", args=[audit.pk])).content.decode()
    for f in files:
        assert reverse("approvals:finding_file", args=[audit.pk, f.pk]) in page


def test_the_files_are_downloaded_in_scope_and_every_download_is_logged(world, client, audit):
    sample = audit.samples.order_by("case_id").first()
    services.record_finding(
        sample, finding="problem", description="Sai lệch", files=[pdf_upload()], actor=world.user("auditor")
    )
    record = FindingFile.objects.get()
    url = reverse("approvals:finding_file", args=[audit.pk, record.pk])

    for who in ("auditor", "inspector", "chair_a"):
        client.force_login(world.user(who))
        response = client.get(url)
        assert response.status_code == 200, who
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == pdf_bytes()
    downloads = AuditEvent.objects.filter(stream=audit.stream, event_type="document.downloaded")
    assert list(downloads.values_list("actor_name", "scope")) == [
        (who, world.commune_a.path) for who in ("auditor", "inspector", "chair_a")
    ]
    case = sample.case
    viewed = AuditEvent.objects.filter(stream=f"subject:{case.subject_id}", event_type="personal_data.viewed")
    assert viewed.count() == 3 and viewed.first().data["what"] == "finding_file"

    client.force_login(world.user("supervisor_b"))  # another commune's staff: no such file for them
    assert client.get(url).status_code == 404
    for user in (world.user("officer_b1"), make_user()):  # the collective steps' area is closed to them
        client.force_login(user)
        assert client.get(url).status_code == 403
    assert viewed.count() == 3
    other = signed_decision(world, proposed_cases(world, 1))
    other_audit = services.open_audit(other, actor=world.user("auditor"), share=1, minimum=0, seed=1)
    client.force_login(world.user("auditor"))
    assert client.get(reverse("approvals:finding_file", args=[other_audit.pk, record.pk])).status_code == 404


def test_bad_files_are_refused_with_a_message_and_nothing_is_kept(world, client, audit, settings):
    sample = audit.samples.order_by("case_id").first()
    client.force_login(world.user("auditor"))
    fake = SimpleUploadedFile("bao-cao.pdf", b"just text, not a PDF", content_type="application/pdf")
    response = client.post(
        _finding_url(audit, sample),
        {
            f"s{sample.pk}-finding": "problem",
            f"s{sample.pk}-description": "Sai lệch",
            f"s{sample.pk}-files": [pdf_upload(), fake],
        },
    )
    assert response.status_code == 200
    errors = response.context["samples"][0]["form"].errors
    assert "bao-cao.pdf" in " ".join(errors["files"])
    assert not FindingFile.objects.exists()
    assert AuditSample.objects.get(pk=sample.pk).finding == ""  # the finding itself was not recorded either

    settings.RECOGNITION = {**settings.RECOGNITION, "EVIDENCE_MAX_BYTES": 100}
    with pytest.raises(ValidationError) as refused:
        services.record_finding(
            sample,
            finding="problem",
            description="Sai lệch",
            files=[pdf_upload()],
            actor=world.user("auditor"),
        )
    assert "files" in refused.value.message_dict
    assert not FindingFile.objects.exists()


def test_files_belong_to_problems_only_and_a_few_at_a_time(world, audit, settings):
    sample = audit.samples.order_by("case_id").first()
    auditor = world.user("auditor")
    with pytest.raises(ValidationError) as refused:
        services.record_finding(sample, finding="confirmed", files=[pdf_upload()], actor=auditor)
    assert "files" in refused.value.message_dict
    settings.RECOGNITION = {**settings.RECOGNITION, "AUDIT_FINDING_FILES_MAX": 2}
    with pytest.raises(ValidationError):
        services.record_finding(
            sample,
            finding="problem",
            description="Sai",
            files=[pdf_upload() for _ in range(3)],
            actor=auditor,
        )
    assert not FindingFile.objects.exists()
    with pytest.raises(PermissionDenied):  # the commune's chair may not record findings
        services.record_finding(
            sample, finding="problem", description="Sai", files=[pdf_upload()], actor=world.user("chair_a")
        )


def test_the_revocation_names_the_files_of_the_finding(world, audit, django_capture_on_commit_callbacks):
    auditor = world.user("auditor")
    first, second = audit.samples.order_by("case_id")
    services.record_finding(
        first,
        finding="problem",
        description="Hộ đã chuyển đi",
        evidence="Xác nhận của công an xã",
        files=[pdf_upload("xac-nhan.pdf")],
        actor=auditor,
    )
    services.record_finding(second, finding="confirmed", actor=auditor)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.close_audit(audit, actor=auditor)
    revoked = Case.objects.get(pk=first.case_id)
    assert revoked.state == CaseState.REVOKED
    assert "Xác nhận của công an xã" in revoked.outcome_reason and "xac-nhan.pdf" in revoked.outcome_reason
