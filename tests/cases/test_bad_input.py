"""Every bad input gets a clear error and changes nothing: state, scores, files and audit stay as before."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from cases import services
from cases.models import Case, CaseState, EvidenceFile, Score
from tests.builders import advance, full_marks, gdht, nominate, pdf_bytes, pdf_upload, required_evidence_items


def snapshot(case):
    case = Case.objects.get(pk=case.pk)
    return {
        "state": case.state,
        "total": case.total_score,
        "scores": sorted(Score.objects.filter(case=case).values_list("item_id", "points")),
        "files": EvidenceFile.objects.filter(case=case, removed_at__isnull=True).count(),
        "events": AuditEvent.objects.filter(stream=case.stream).count(),
    }


def messages_of(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def test_score_above_item_maximum(world):
    case = advance(world, nominate(world), CaseState.EVIDENCE_COLLECTED)
    values = full_marks(case)
    item_id = next(iter(values))
    values[item_id] = Decimal("10.5")
    before = snapshot(case)
    with pytest.raises(ValidationError) as err:
        services.score_case(case, values=values, actor=world.user("assessor_a1"))
    assert str(item_id) in err.value.message_dict
    assert "10.5" in messages_of(err.value)
    assert snapshot(case) == before


def test_negative_score(world):
    case = advance(world, nominate(world), CaseState.EVIDENCE_COLLECTED)
    values = full_marks(case)
    values[next(iter(values))] = Decimal("-1")
    before = snapshot(case)
    with pytest.raises(ValidationError):
        services.score_case(case, values=values, actor=world.user("assessor_a1"))
    assert snapshot(case) == before


def test_missing_required_item_score(world):
    case = advance(world, nominate(world), CaseState.EVIDENCE_COLLECTED)
    values = full_marks(case)
    values.pop(next(iter(values)))
    before = snapshot(case)
    with pytest.raises(ValidationError):
        services.score_case(case, values=values, actor=world.user("assessor_a1"))
    assert snapshot(case) == before


@pytest.mark.parametrize("reason", ["", "   "])
def test_return_without_reason(world, reason):
    case = advance(world, nominate(world), CaseState.SCORED)
    before = snapshot(case)
    with pytest.raises(ValidationError) as err:
        services.return_for_rework(case, actor=world.user("assessor_a1"), reason=reason)
    assert "reason" in err.value.message_dict
    assert snapshot(case) == before


def test_refusals_without_reason(world):
    scored = advance(world, nominate(world), CaseState.SCORED)
    before = snapshot(scored)
    with pytest.raises(ValidationError):
        services.review_in_village(scored, proposed=False, actor=world.user("head_a1"), reason="")
    assert snapshot(scored) == before

    reviewed = advance(world, nominate(world), CaseState.VILLAGE_REVIEWED)
    before = snapshot(reviewed)
    with pytest.raises(ValidationError):
        services.decide_in_commune(
            reviewed,
            recognised=False,
            actor=world.user("chair_a"),
            decision_reference="3/QĐ-UBND",
            decision_date=datetime.date(2026, 3, 1),
        )
    assert snapshot(reviewed) == before
    for call in (
        lambda: services.revoke_case(
            advance(world, nominate(world), CaseState.COMMUNE_DECIDED), actor=world.user("auditor"), reason=""
        ),
        lambda: services.withdraw_case(reviewed, actor=world.user("officer_a1"), reason=""),
    ):
        with pytest.raises(ValidationError):
            call()


def test_recognition_needs_a_decision_document(world):
    case = advance(world, nominate(world), CaseState.VILLAGE_REVIEWED)
    before = snapshot(case)
    with pytest.raises(ValidationError) as err:
        services.decide_in_commune(
            case,
            recognised=True,
            actor=world.user("chair_a"),
            decision_reference="",
            decision_date=datetime.date(2026, 3, 1),
        )
    assert "decision_reference" in err.value.message_dict
    assert snapshot(case) == before


def test_text_file_renamed_pdf_is_refused(world, settings):
    case = nominate(world)
    item = required_evidence_items(case).first()
    fake = SimpleUploadedFile(
        "hoc-ba.pdf", b"just some text, not a PDF at all\n" * 10, content_type="application/pdf"
    )
    before = snapshot(case)
    with pytest.raises(ValidationError) as err:
        services.add_evidence(case, item=item, upload=fake, actor=world.user("officer_a1"))
    assert "hoc-ba.pdf" in messages_of(err.value)
    assert snapshot(case) == before


def test_corrupt_image_is_refused(world):
    case = nominate(world)
    item = required_evidence_items(case).first()
    broken = SimpleUploadedFile("anh.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 200, content_type="image/jpeg")
    with pytest.raises(ValidationError):
        services.add_evidence(case, item=item, upload=broken, actor=world.user("officer_a1"))
    assert case.evidence.count() == 0


def test_file_over_the_size_limit_is_refused(world, settings):
    settings.RECOGNITION = {**settings.RECOGNITION, "EVIDENCE_MAX_BYTES": 1024}
    case = nominate(world)
    item = required_evidence_items(case).first()
    big = SimpleUploadedFile("lon.pdf", pdf_bytes() + b"%" + b"x" * 2048, content_type="application/pdf")
    before = snapshot(case)
    with pytest.raises(ValidationError):
        services.add_evidence(case, item=item, upload=big, actor=world.user("officer_a1"))
    assert snapshot(case) == before


def test_evidence_cannot_change_after_collection(world):
    case = advance(world, nominate(world), CaseState.EVIDENCE_COLLECTED)
    item = required_evidence_items(case).first()
    before = snapshot(case)
    from cases.exceptions import CaseActionError

    with pytest.raises(CaseActionError):
        services.add_evidence(case, item=item, upload=pdf_upload(), actor=world.user("officer_a1"))
    with pytest.raises(CaseActionError):
        services.remove_evidence(case.evidence.first(), actor=world.user("officer_a1"), reason="nhầm")
    assert snapshot(case) == before


def test_removing_evidence_needs_a_reason_and_is_audited(world):
    case = nominate(world)
    item = required_evidence_items(case).first()
    evidence = services.add_evidence(case, item=item, upload=pdf_upload(), actor=world.user("officer_a1"))
    with pytest.raises(ValidationError):
        services.remove_evidence(evidence, actor=world.user("officer_a1"), reason=" ")
    services.remove_evidence(evidence, actor=world.user("officer_a1"), reason="Ảnh mờ")
    evidence.refresh_from_db()
    assert evidence.removed_at is not None and evidence.file.storage.exists(evidence.file.name)
    assert AuditEvent.objects.filter(
        stream=case.stream, event_type="evidence.removed", reason="Ảnh mờ"
    ).exists()
    with pytest.raises(ValidationError):  # required evidence now missing
        services.complete_evidence_collection(case, actor=world.user("officer_a1"))


def test_evidence_records_sha256_in_the_audit_event(world):
    import hashlib

    case = nominate(world)
    item = required_evidence_items(case).first()
    evidence = services.add_evidence(case, item=item, upload=pdf_upload(), actor=world.user("officer_a1"))
    assert evidence.sha256 == hashlib.sha256(pdf_bytes()).hexdigest()
    event = AuditEvent.objects.get(stream=case.stream, event_type="evidence.added")
    assert event.data["sha256"] == evidence.sha256


def test_second_case_for_same_subject_title_year(world):
    case = nominate(world)
    count = Case.objects.count()
    with pytest.raises(ValidationError) as err:
        services.nominate_case(
            case.subject, title_type=gdht(), year=case.year, actor=world.user("officer_a1")
        )
    assert case.reference in messages_of(err.value)
    assert Case.objects.count() == count
    # after withdrawal the subject may be nominated again for the same year
    services.withdraw_case(case, actor=world.user("officer_a1"), reason="Đăng ký nhầm danh hiệu")
    again = services.nominate_case(
        case.subject, title_type=gdht(), year=case.year, actor=world.user("officer_a1")
    )
    assert again.reference != case.reference


def test_database_constraint_backs_the_duplicate_rule(world):
    from django.db import IntegrityError, transaction

    case = nominate(world)
    clone = Case(
        reference="X-1",
        subject=case.subject,
        title_type=case.title_type,
        year=case.year,
        unit=case.unit,
        unit_path=case.unit_path,
        criteria_set=case.criteria_set,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        clone.save()


def test_title_must_fit_the_subject_kind(world):
    from criteria.models import TitleType

    case = nominate(world)
    with pytest.raises(ValidationError):
        services.nominate_case(
            case.subject,
            title_type=TitleType.objects.get(code="DHHT"),
            year=case.year,
            actor=world.user("officer_a1"),
        )


def test_below_threshold_cannot_be_proposed(world):
    case = advance(world, nominate(world), CaseState.EVIDENCE_COLLECTED)
    values = {k: Decimal(0) if not isinstance(v, bool) else v for k, v in full_marks(case).items()}
    case = services.score_case(case, values=values, actor=world.user("assessor_a1"))
    assert case.meets_criteria is False and case.total_score == 0
    before = snapshot(case)
    with pytest.raises(ValidationError):
        services.review_in_village(case, proposed=True, actor=world.user("head_a1"))
    assert snapshot(case) == before
    services.review_in_village(case, proposed=False, actor=world.user("head_a1"), reason="Chưa đạt ngưỡng")
    assert Case.objects.get(pk=case.pk).state == CaseState.NOT_RECOGNIZED


def test_errors_are_translated_into_vietnamese(world):
    """The default language is Vietnamese: officers see Vietnamese messages, not the English msgids."""
    from django.utils import translation

    from cases.exceptions import InvalidTransition

    assert translation.get_language() == "vi"
    case = advance(world, nominate(world), CaseState.EVIDENCE_COLLECTED)
    values = full_marks(case)
    values[next(iter(values))] = Decimal("11")
    with pytest.raises(ValidationError) as err:
        services.score_case(case, values=values, actor=world.user("assessor_a1"))
    assert "vượt quá điểm tối đa" in messages_of(err.value)

    with pytest.raises(ValidationError) as err:
        services.return_for_rework(case, actor=world.user("assessor_a1"), reason="")
    assert "lý do" in messages_of(err.value).lower()

    with pytest.raises(InvalidTransition) as err:
        services.complete_evidence_collection(case, actor=world.user("officer_a1"))
    assert "đang ở trạng thái" in err.value.message and "Đã thu thập minh chứng" in err.value.message

    fresh = nominate(world)
    fake = SimpleUploadedFile("a.pdf", b"plain text " * 20, content_type="application/pdf")
    with pytest.raises(ValidationError) as err:
        services.add_evidence(
            fresh, item=required_evidence_items(fresh).first(), upload=fake, actor=world.user("officer_a1")
        )
    assert "không phải PDF" in messages_of(err.value)

    with pytest.raises(ValidationError) as err:
        services.nominate_case(
            fresh.subject, title_type=gdht(), year=fresh.year, actor=world.user("officer_a1")
        )
    assert "đã có hồ sơ" in messages_of(err.value)
