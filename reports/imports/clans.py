"""Clans ("dòng họ", "chi họ"): one row per clan in a commune, with its member households by code (they may
live in several villages)."""

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.bulk import NewClan
from registry.models import Clan, Household, SubjectKind
from registry.selectors import path_q

from .base import Column, Report, chunks
from .commune_subjects import ADDRESS, COMMUNE, CommuneSubjectImport, SubjectPlan

MEMBER_SEPARATORS = re.compile(r"[,;\s]+")
SHOWN_CODES = 5  # unknown member codes named in one error; the rest are counted


class ClanImport(CommuneSubjectImport):
    key = "clans"
    slug = "dong-ho"
    label = gettext_lazy("Clans")
    model = Clan
    columns = (
        Column("code", "Mã dòng họ", max_length=40),
        Column("name", "Tên dòng họ", max_length=200, width=32),
        COMMUNE,
        Column("representative", "Trưởng ban khuyến học dòng họ", required=False, max_length=120, width=28),
        ADDRESS,
        Column("members", "Mã các hộ thành viên", required=False, width=40),
    )
    sheet_title = "Dong ho"
    file_stem = "mau-nhap-dong-ho"
    event_type = "registry.clans_imported"

    def guide(self) -> list[str]:
        return [
            _("One row per clan or clan branch (“chi họ”)."),
            _("Clan code: the commune's code for the clan; it identifies the clan on re-import."),
            _("Commune code: the code of the commune or ward where the clan is registered."),
            _("Head of the clan's study-promotion board and address are optional."),
            _(
                "Member households: optional, the codes of registered households separated by commas or "
                "semicolons; they may live in different villages."
            ),
            _(
                "A clan whose code is already registered in the same commune is left unchanged; a clan name "
                "already registered in the commune under another code is an error."
            ),
            _("Nothing is imported while any row has an error."),
        ]

    def parse_extra(self, report: Report, number: int, cells: dict[str, str]) -> dict:
        members = [c for c in MEMBER_SEPARATORS.split(cells.get("members", "")) if c]
        return {
            "representative": cells.get("representative", ""),
            "members": list(dict.fromkeys(members)),  # a code listed twice counts once
        }

    def check_plans(self, report: Report, plans: list[SubjectPlan], scope) -> None:
        """Member households must be registered households inside the importer's area."""
        wanted = {code for p in plans for code in p.extra["members"]}
        households: dict[str, int] = {}
        for chunk in chunks(wanted):
            qs = Household.objects.filter(kind=SubjectKind.HOUSEHOLD, code__in=chunk)
            if scope is not None:
                qs = qs.filter(path_q(scope, field="unit__path"))
            households.update(qs.values_list("code", "pk"))
        for plan in plans:
            missing = [c for c in plan.extra["members"] if c not in households]
            if missing:
                shown = ", ".join(missing[:SHOWN_CODES])
                if len(missing) > SHOWN_CODES:
                    shown += " " + _("(and %(n)s more)") % {"n": len(missing) - SHOWN_CODES}
                self._reject(report, plan, "unknown_households", codes=shown)
        report.context["households"] = households
        report.linked = sum(len(p.extra["members"]) for p in report.new if p.clean)

    def new_subject(self, report: Report, plan: SubjectPlan, commune) -> NewClan:
        households = report.context["households"]
        return NewClan(
            plan.code,
            commune,
            plan.name,
            representative=plan.extra["representative"],
            address=plan.address,
            households=[households[code] for code in plan.extra["members"]],
        )


CLANS = ClanImport()
