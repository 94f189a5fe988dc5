"""Villages and residential groups ("thôn", "bản", "tổ dân phố") per commune, one row each, with the villages
a new one was merged from. A village is found again by its code, or (no code given) by its name in the
commune; one already registered is left unchanged, and a merger listed again is recorded once."""

import datetime
import re
from dataclasses import dataclass, field

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.models import AdministrativeUnit, UnitLevel, UnitSuccession
from registry.text import fold
from registry.villages import Merger, NewVillage, register_villages

from .base import IMPORT_ROLES, Column, ImportKind, Progress, Report, RowRejected, check_cells, chunks
from .parsing import Sheet
from .subjects import units_in_scope

# What people write in the kind column; the name is prefixed with it when it does not start with it already.
VILLAGE_KINDS = (
    "Thôn",
    "Bản",
    "Tổ dân phố",
    "Xóm",
    "Ấp",
    "Làng",
    "Buôn",
    "Khu phố",
    "Khóm",
    "Sóc",
    "Plei",
    "Khu",
)
KINDS = {fold(k): k for k in VILLAGE_KINDS}
SEPARATORS = re.compile(r"[;,]")
CODE_PATTERN = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]*$")


def parse_date(value: str) -> datetime.date | None:
    """dd/mm/yyyy as written in Vietnam, or yyyy-mm-dd (Excel dates come as their ISO text)."""
    value = value.strip().split(" ")[0]
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(value, fmt).date()  # noqa: DTZ007 (a calendar day)
        except ValueError:
            continue
    return None


@dataclass
class VillagePlan:
    row: int
    code: str
    name: str
    commune_code: str
    merged_from: list[str] = field(default_factory=list)
    effective_date: datetime.date | None = None
    commune: AdministrativeUnit | None = None
    existing: AdministrativeUnit | None = None
    clean: bool = True


class VillageImport(ImportKind):
    key = "villages"
    slug = "thon-to-dan-pho"
    label = gettext_lazy("Villages and residential groups")
    import_roles = IMPORT_ROLES
    columns = (
        Column("commune_code", "Mã xã", max_length=40, width=14),
        Column("code", "Mã thôn", required=False, max_length=40, width=16),
        Column("name", "Tên thôn, tổ dân phố", max_length=200, width=30),
        Column("kind", "Loại", width=14),
        Column("merged_from", "Sáp nhập từ", required=False, max_length=500, width=30),
        Column("merged_on", "Ngày sáp nhập", required=False, width=16),
    )
    sheet_title = "Thon to dan pho"
    file_stem = "mau-nhap-thon-to-dan-pho"
    event_type = "registry.villages_imported"

    def guide(self) -> list[str]:
        return [
            _("One row per village, hamlet or residential group, under the commune or ward it belongs to."),
            _("Commune code: the official code of the commune or ward (as loaded with load_units)."),
            _(
                "Village code: optional; it identifies the village on re-import. Left empty, the village is "
                "found by its name in the commune and given the code <commune code>-<number>."
            ),
            _("Kind: one of %(values)s; the name is prefixed with it unless it already starts with it.")
            % {"values": ", ".join(VILLAGE_KINDS)},
            _(
                "Merged from: where the village replaces villages merged into it, their codes or names in "
                "the same commune, separated by semicolons; the merger date (dd/mm/yyyy, default today) ends "
                "them and records the succession."
            ),
            _("A village already registered is left unchanged; a merger already recorded is not repeated."),
            _("Nothing is imported while any row has an error."),
        ]

    def validate(self, sheet: Sheet, *, scope: list[str] | None, actor=None) -> Report:
        report = Report(rows=len(sheet.rows))
        plans: list[VillagePlan] = []
        first_code: dict[str, int] = {}
        first_name: dict[tuple[str, str], int] = {}
        for number, cells in sheet.rows:
            problems = len(report.errors)
            check_cells(report, self, number, cells)
            kind = KINDS.get(fold(cells["kind"])) if cells["kind"] else None
            if cells["kind"] and kind is None:
                report.error(number, "village_kind", value=cells["kind"], values=", ".join(VILLAGE_KINDS))
            name = cells["name"]
            if kind and name and not fold(name).startswith(fold(kind) + " "):
                name = f"{kind} {name}"[:200]
            code = cells.get("code", "")
            if code and not CODE_PATTERN.match(code):
                report.error(number, "bad_unit_code", code=code)
            elif code:
                if code in first_code:
                    report.error(number, "duplicate_code", code=code, first=first_code[code])
                else:
                    first_code[code] = number
            if name and cells["commune_code"]:
                key = (cells["commune_code"], fold(name))
                if key in first_name:
                    report.error(number, "duplicate_name", name=name, first=first_name[key])
                else:
                    first_name[key] = number
            merged = [m.strip() for m in SEPARATORS.split(cells.get("merged_from", "")) if m.strip()]
            effective = None
            if cells.get("merged_on"):
                effective = parse_date(cells["merged_on"])
                if effective is None:
                    report.error(number, "bad_date", column="Ngày sáp nhập", value=cells["merged_on"])
            plan = VillagePlan(number, code, name, cells["commune_code"], merged, effective)
            plan.clean = len(report.errors) == problems
            plans.append(plan)
        self._check_registry(report, plans, scope)
        report.new = [p for p in plans if p.clean and p.existing is None]
        report.existing = sum(1 for p in plans if p.clean and p.existing is not None)
        report.context["mergers"] = [p for p in plans if p.clean and p.merged_from]
        report.linked = sum(len(p.merged_from) for p in report.context["mergers"])
        return report.sort()

    def _check_registry(self, report: Report, plans: list[VillagePlan], scope) -> None:
        communes = units_in_scope(
            {p.commune_code for p in plans if p.commune_code}, level=UnitLevel.COMMUNE, scope=scope
        )
        by_code: dict[str, AdministrativeUnit] = {}
        for chunk in chunks({p.code for p in plans if p.code}):
            by_code.update({u.code: u for u in AdministrativeUnit.objects.filter(code__in=chunk)})
        villages = AdministrativeUnit.objects.filter(
            level=UnitLevel.VILLAGE, parent__in=[c.pk for c in communes.values()]
        ).only("pk", "code", "name", "parent_id", "path", "valid_to")
        by_name: dict[tuple[int, str], AdministrativeUnit] = {}
        codes_of_commune: dict[int, dict[str, AdministrativeUnit]] = {}
        for village in villages:
            by_name.setdefault((village.parent_id, fold(village.name)), village)
            codes_of_commune.setdefault(village.parent_id, {})[village.code] = village
        taken_codes = set(by_code)
        for plan in plans:
            commune = communes.get(plan.commune_code)
            if plan.commune_code and commune is None:
                self._reject(report, plan, "unknown_commune", code=plan.commune_code)
                continue
            if commune is None or not plan.name:
                continue
            plan.commune = commune
            named = by_name.get((commune.pk, fold(plan.name)))
            if plan.code:
                unit = by_code.get(plan.code)
                if unit is not None and (unit.level != UnitLevel.VILLAGE or unit.parent_id != commune.pk):
                    self._reject(report, plan, "unit_code_taken", code=plan.code)
                    continue
                if unit is None and named is not None:
                    self._reject(report, plan, "name_registered", name=plan.name, code=named.code)
                    continue
                plan.existing = unit
            else:
                plan.existing = named
            own = codes_of_commune.get(commune.pk, {})
            olds = []
            for ref in plan.merged_from:
                old = own.get(ref) or by_name.get((commune.pk, fold(ref)))
                if old is None:
                    self._reject(report, plan, "unknown_merged_village", ref=ref, commune=commune.name)
                elif plan.existing is not None and old.pk == plan.existing.pk:
                    self._reject(report, plan, "merged_into_itself", ref=ref)
                else:
                    olds.append(old)
            plan.merged_from = olds  # type: ignore[assignment]  (the units now)
        # codes for the new villages left without one: <commune code>-<next free number>
        next_number: dict[int, int] = {}
        for plan in plans:
            if plan.clean and plan.existing is None and not plan.code and plan.commune is not None:
                commune = plan.commune
                n = next_number.get(commune.pk, len(codes_of_commune.get(commune.pk, {})) + 1)
                while f"{commune.code}-{n:02d}" in taken_codes | codes_of_commune.get(commune.pk, {}).keys():
                    n += 1
                plan.code = f"{commune.code}-{n:02d}"
                taken_codes.add(plan.code)
                next_number[commune.pk] = n + 1
        report.context["successions"] = set(
            UnitSuccession.objects.filter(
                old_unit__in=[o.pk for p in plans if p.clean for o in p.merged_from]
            ).values_list("old_unit_id", "new_unit__code")
        )

    @staticmethod
    def _reject(report: Report, plan: VillagePlan, problem: str, **params) -> None:
        report.error(plan.row, problem, **params)
        plan.clean = False

    def write(self, report: Report, *, actor, progress: Progress = None, source: str = "") -> dict[str, int]:
        today = timezone.localdate()
        villages = [NewVillage(p.code, p.name, p.commune) for p in report.new]
        mergers = [
            Merger(
                p.existing.code if p.existing is not None else p.code,
                p.merged_from,
                p.effective_date or today,
            )
            for p in report.context["mergers"]
        ]
        try:
            created, successions = register_villages(
                villages, mergers, actor=actor, source=source, progress=progress
            )
        except IntegrityError as exc:  # a code taken meanwhile: the database's unique constraint
            first = report.new[0] if report.new else None
            raise RowRejected(
                first.row if first else 0, "unit_code_taken", code=first.code if first else ""
            ) from exc
        return {"created": len(created), "existing": report.existing, "linked": len(successions)}


VILLAGES = VillageImport()
