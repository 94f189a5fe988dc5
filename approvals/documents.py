"""The official documents of the collective steps, rendered through cases.pdf in the administrative layout."""

import hashlib

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from cases.pdf import render_pdf
from criteria.authority import DecidingBody

from .models import Decision, DecisionEntry, ReviewSession
from .selectors import cited_proposals


def place_date(unit, date) -> str:
    """ "Đại Sơn, ngày 05 tháng 11 năm 2026" in Vietnamese documents."""
    place = unit.name
    for prefix in ("Xã ", "Phường ", "Thị trấn ", "Đặc khu ", "Thôn ", "Tổ dân phố ", "Bản ", "Ấp "):
        place = place.removeprefix(prefix)
    return _("%(place)s, %(day)s %(month)s %(year)s") % {
        "place": place,
        "day": date.strftime("%d"),
        "month": date.strftime("%m"),
        "year": date.year,
    }


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def as_file(data: bytes, name: str) -> ContentFile:
    return ContentFile(data, name=name)


def _commune_of(unit):
    return unit.parent if unit.parent_id else None


def minutes_pdf(session: ReviewSession) -> bytes:
    village = session.village
    commune = village.parent
    entries = list(
        session.entries.select_related("case__subject").prefetch_related("comments").order_by("pk")
    )
    return render_pdf(
        "approvals/documents/minutes.html",
        {
            "issuer_parent": commune.name if commune else "",
            "issuer": village.name,
            "place_date": place_date(village, session.meeting_date),
            "session": session,
            "entries": entries,
            "proposed": sum(1 for e in entries if e.proposed),
            "attendees": [line.strip() for line in session.attendees.splitlines() if line.strip()],
        },
    )


def _issuer(decision: Decision) -> str:
    """The issuing body's name in the header: the People's Committee, the Association or the Department."""
    unit = {"unit": decision.commune.name}
    if decision.body == DecidingBody.ASSOCIATION:
        return _("Study Promotion Association of %(unit)s") % unit
    if decision.body == DecidingBody.EDUCATION_DEPARTMENT:
        return _("Department of Education and Training of %(unit)s") % unit
    return _("People's Committee of %(unit)s") % unit


def _decision_context(decision: Decision) -> dict:
    commune = decision.commune
    return {
        "proposals": cited_proposals(decision.entries.values_list("case_id", flat=True)),
        "issuer_parent": "",
        "issuer": _issuer(decision),
        "number": decision.reference,
        "place_date": place_date(commune, decision.signed_on),
        "decision": decision,
        "commune": commune,
        "province": next((u for u in commune.ancestors() if u.level == "province"), None),
    }


def decision_pdf(decision: Decision) -> bytes:
    entries = list(
        decision.entries.select_related("case__subject", "case__unit").order_by(
            "case__unit__name", "case__subject__name", "pk"
        )
    )
    return render_pdf(
        "approvals/documents/decision.html",
        {
            **_decision_context(decision),
            "entries": entries,
            "recognised": [e for e in entries if e.recognised],
            "refused": [e for e in entries if not e.recognised],
        },
    )


def certificate_pdf(entry: DecisionEntry) -> bytes:
    decision = entry.decision
    return render_pdf(
        "approvals/documents/certificate.html",
        {**_decision_context(decision), "entry": entry, "case": entry.case, "subject": entry.case.subject},
    )
