"""Opening a case and keeping its evidence."""

import datetime
import hashlib

import filetype
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from criteria.models import CriteriaSet, CriterionItem, TitleType
from registry.models import AdministrativeUnit, Subject, UnitLevel

from ..conf import setting
from ..exceptions import CaseActionError
from ..models import Case, CaseState, EvidenceFile, ReferenceCounter
from ..permissions import authorising_grant
from ._common import audit_case, ensure_grant, lock_case, require_reason


def nominate_case(subject: Subject, *, title_type: TitleType, year: int, actor) -> Case:
    """Open this year's recognition case for a subject, pinning the criteria set in force."""
    unit = subject.unit
    grant = authorising_grant(actor, "nominate", unit.path, unit.level)
    if grant is None:
        raise PermissionDenied(_("You are not allowed to nominate cases in %(unit)s.") % {"unit": unit.name})
    if subject.kind != title_type.subject_kind:
        raise ValidationError(
            _("The title “%(title)s” does not apply to subjects of kind “%(kind)s”.")
            % {"title": title_type.name, "kind": subject.get_kind_display()}
        )
    current_year = timezone.localdate().year
    if not (2000 <= year <= current_year + 1):
        raise ValidationError({"year": _("Invalid assessment year.")})
    existing = _live_case(subject, title_type, year)
    if existing is not None:
        raise ValidationError(
            _("This subject already has case %(ref)s for this title and assessment year.")
            % {"ref": existing.reference}
        )
    criteria_set = _criteria_set_for(title_type, year, unit)
    try:
        with transaction.atomic():
            case = Case(
                reference=_next_reference(title_type, year, unit),
                subject=subject,
                title_type=title_type,
                year=year,
                unit=unit,
                unit_path=unit.path,
                criteria_set=criteria_set,
                nominated_by=actor,
            )
            case.save()
            audit_case(
                case,
                "case.nominated",
                actor=actor,
                grant=grant,
                data={
                    "to": CaseState.NOMINATED,
                    "subject": subject.code,
                    "title": title_type.code,
                    "year": year,
                    "criteria_set": criteria_set.pk,
                    "criteria_set_version": criteria_set.version,
                },
            )
    except IntegrityError as exc:
        existing = _live_case(subject, title_type, year)
        if existing is None:
            raise
        raise ValidationError(
            _("This subject already has case %(ref)s for this title and assessment year.")
            % {"ref": existing.reference}
        ) from exc
    return case


def _live_case(subject, title_type, year) -> Case | None:
    return (
        Case.objects.filter(subject=subject, title_type=title_type, year=year)
        .exclude(state=CaseState.WITHDRAWN)
        .first()
    )


def _criteria_set_for(title_type: TitleType, year: int, unit: AdministrativeUnit) -> CriteriaSet:
    on = min(timezone.localdate(), datetime.date(year, 12, 31))
    province = next((u for u in unit.ancestors() if u.level == UnitLevel.PROVINCE), None)
    criteria_set = (
        CriteriaSet.objects.in_force(on, province=province)
        .filter(title_type=title_type)
        .order_by("-version")
        .first()
    )
    if criteria_set is None:
        raise ValidationError(
            _("No criteria set is in force for the title “%(title)s” in %(year)s.")
            % {"title": title_type.name, "year": year}
        )
    return criteria_set


def _next_reference(title_type: TitleType, year: int, unit: AdministrativeUnit) -> str:
    key = f"{title_type.code}-{year}-{unit.code}"
    counter, _created = ReferenceCounter.objects.select_for_update().get_or_create(key=key)
    counter.value += 1
    counter.save(update_fields=["value"])
    return f"{key}-{counter.value:06d}"


def sniff_content_type(upload: UploadedFile) -> str | None:
    upload.seek(0)
    head = upload.read(512)
    upload.seek(0)
    kind = filetype.guess(head)
    return kind.mime if kind else None


def validate_upload(upload: UploadedFile) -> str:
    """An uploaded file within the size limit and, by its content, a PDF, JPEG or PNG; returns its type."""
    max_bytes = setting("EVIDENCE_MAX_BYTES")
    if upload.size > max_bytes:
        raise ValidationError(
            {
                "file": _("File %(name)s is %(size)s, over the %(max)s limit.")
                % {"name": upload.name, "size": filesizeformat(upload.size), "max": filesizeformat(max_bytes)}
            }
        )
    if upload.size == 0:
        raise ValidationError({"file": _("File %(name)s is empty.") % {"name": upload.name}})
    mime = sniff_content_type(upload)
    if mime not in setting("EVIDENCE_CONTENT_TYPES"):
        raise ValidationError(
            {
                "file": _("File %(name)s is not a PDF, JPEG or PNG (checked by content, not by extension).")
                % {"name": upload.name}
            }
        )
    if mime.startswith("image/"):
        _check_image(upload)
    return mime


def _check_image(upload: UploadedFile) -> None:
    """A readable image of at most IMAGE_MAX_PIXELS pixels. The header is read, never the pixels: a small
    file whose header claims 100,000 x 100,000 pixels (a decompression bomb) would take gigabytes to open
    later (the dossier, the printed minutes)."""
    import warnings

    from PIL import Image, UnidentifiedImageError

    max_pixels = setting("IMAGE_MAX_PIXELS")
    too_large = _(
        "Image %(name)s is %(width)s × %(height)s pixels; at most %(max)s million pixels are accepted."
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                width, height = image.size
                if width * height > max_pixels:
                    raise ValidationError(
                        {
                            "file": too_large
                            % {
                                "name": upload.name,
                                "width": width,
                                "height": height,
                                "max": max_pixels // 10**6,
                            }
                        }
                    )
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # larger than Pillow's own ceiling: it refuses to say how large
        raise ValidationError(
            {"file": _("Image %(name)s claims too many pixels to be opened safely.") % {"name": upload.name}}
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError({"file": _("Image %(name)s is corrupt.") % {"name": upload.name}}) from exc
    finally:
        upload.seek(0)


def sha256_of(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _ensure_evidence_editable(case: Case):
    if case.state != CaseState.NOMINATED:
        raise CaseActionError(
            _(
                "Evidence can only be added or removed while case %(ref)s is at the evidence collection step "
                "(now: “%(state)s”)."
            )
            % {"ref": case.reference, "state": case.get_state_display()}
        )


@transaction.atomic
def add_evidence(case: Case, *, item: CriterionItem, upload: UploadedFile, actor) -> EvidenceFile:
    """Attach one evidence file to a criterion item; its SHA-256 goes into the audit event."""
    case = lock_case(case)
    grant = ensure_grant(actor, "collect_evidence", case)
    _ensure_evidence_editable(case)
    if item.criterion.criteria_set_id != case.criteria_set_id:
        raise ValidationError({"item": _("The criterion item is not part of the case's criteria set.")})
    mime = validate_upload(upload)
    evidence = EvidenceFile(
        case=case,
        item=item,
        original_name=upload.name[:255],
        content_type=mime,
        size=upload.size,
        sha256=sha256_of(upload),
        uploaded_by=actor,
    )
    evidence.file.save(evidence.sha256, upload, save=False)
    evidence.save()
    audit_case(
        case,
        "evidence.added",
        actor=actor,
        grant=grant,
        data={
            "evidence_id": evidence.pk,
            "item": item.code,
            "name": evidence.original_name,
            "size": evidence.size,
            "content_type": mime,
            "sha256": evidence.sha256,
        },
    )
    return evidence


@transaction.atomic
def remove_evidence(evidence: EvidenceFile, *, actor, reason: str) -> EvidenceFile:
    """Withdraw an evidence file from the case; the file itself is kept for the record."""
    reason = require_reason(reason)
    case = lock_case(evidence.case_id)
    grant = ensure_grant(actor, "collect_evidence", case)
    _ensure_evidence_editable(case)
    evidence = EvidenceFile.objects.select_for_update().get(pk=evidence.pk, case=case)
    if evidence.removed_at is not None:
        raise CaseActionError(
            _("Evidence file %(name)s was already removed.") % {"name": evidence.original_name}
        )
    evidence.removed_at = timezone.now()
    evidence.removed_by = actor
    evidence.removal_reason = reason
    evidence.save(update_fields=["removed_at", "removed_by", "removal_reason"])
    audit_case(
        case,
        "evidence.removed",
        actor=actor,
        grant=grant,
        reason=reason,
        data={"evidence_id": evidence.pk, "item": evidence.item.code, "sha256": evidence.sha256},
    )
    return evidence
