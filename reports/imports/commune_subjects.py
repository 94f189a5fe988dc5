"""Subjects held at commune level (clans, organisations): one row per subject, in a commune of the
importer's area, identified by its code; a name already registered in the commune under another code is
a duplicate, not a new subject."""

from dataclasses import dataclass, field

from registry.bulk import NewSubject
from registry.models import AdministrativeUnit, Subject, UnitLevel
from registry.text import fold

from .base import IMPORT_ROLES, Column, Report, check_cells, chunks
from .parsing import Sheet
from .subjects import SubjectImport, subjects_by_code, units_in_scope

COMMUNE = Column("commune_code", "Mã xã", max_length=40, width=14)
ADDRESS = Column("address", "Địa chỉ", required=False, max_length=255, width=36)


@dataclass
class SubjectPlan:
    row: int
    code: str
    name: str
    commune_code: str
    address: str
    extra: dict = field(default_factory=dict)  # the kind's own fields, parsed
    clean: bool = True  # no problem on the row so far


class CommuneSubjectImport(SubjectImport):
    """The checks and the writer common to clans and organisations; subclasses add their own columns."""

    model: type[Subject] = Subject
    import_roles = IMPORT_ROLES

    def parse_extra(self, report: Report, number: int, cells: dict[str, str]) -> dict:
        """The kind's own cells, checked; report problems on `number`."""
        return {}

    def check_plans(self, report: Report, plans: list[SubjectPlan], scope) -> None:
        """Registry checks of the kind's own cells, over all rows at once."""

    def new_subject(self, report: Report, plan: SubjectPlan, commune: AdministrativeUnit) -> NewSubject:
        """The subject of a clean row, as the registry takes it."""
        raise NotImplementedError

    def new_subjects(self, report: Report) -> list[tuple[int, NewSubject]]:
        communes = report.context["communes"]
        return [(p.row, self.new_subject(report, p, communes[p.commune_code])) for p in report.new]

    def validate(self, sheet: Sheet, *, scope: list[str] | None, actor=None) -> Report:
        report = Report(rows=len(sheet.rows))
        plans: list[SubjectPlan] = []
        first_code: dict[str, int] = {}
        first_name: dict[tuple[str, str], int] = {}
        for number, cells in sheet.rows:
            problems = len(report.errors)
            check_cells(report, self, number, cells)
            extra = self.parse_extra(report, number, cells)
            code, name, commune_code = cells["code"], cells["name"], cells["commune_code"]
            if code:
                if code in first_code:
                    report.error(number, "duplicate_code", code=code, first=first_code[code])
                else:
                    first_code[code] = number
            if name and commune_code:
                key = (commune_code, fold(name))
                if key in first_name:
                    report.error(number, "duplicate_name", name=name, first=first_name[key])
                else:
                    first_name[key] = number
            plan = SubjectPlan(number, code, name, commune_code, cells.get("address", ""), extra)
            plan.clean = len(report.errors) == problems
            plans.append(plan)
        self._check_registry(report, plans, scope)
        self.check_plans(report, plans, scope)
        report.new = [p for p in report.new if p.clean]
        self.check_in_registry(report)
        return report.sort()

    def _check_registry(self, report: Report, plans: list[SubjectPlan], scope) -> None:
        communes = units_in_scope(
            {p.commune_code for p in plans if p.commune_code}, level=UnitLevel.COMMUNE, scope=scope
        )
        existing = subjects_by_code([p.code for p in plans if p.code])
        registered_names = self._registered_names(communes, {fold(p.name) for p in plans if p.name})
        for plan in plans:
            commune = communes.get(plan.commune_code)
            if plan.commune_code and commune is None:
                self._reject(report, plan, "unknown_commune", code=plan.commune_code)
                continue
            taken = existing.get(plan.code)
            if taken is not None:
                kind, unit_id = taken
                if kind != self.model.KIND or commune is None or unit_id != commune.pk:
                    self._reject(report, plan, "code_taken", code=plan.code)
                elif plan.clean:
                    report.existing += 1
                continue
            other = registered_names.get((commune.pk, fold(plan.name))) if commune and plan.name else None
            if other is not None:
                self._reject(report, plan, "name_registered", name=plan.name, code=other)
                continue
            if commune is not None and plan.code:
                report.new.append(plan)
        report.context["communes"] = communes

    def _registered_names(self, communes: dict, folded: set[str]) -> dict[tuple[int, str], str]:
        """(commune id, folded name) -> code of the subjects of this kind already registered there."""
        found: dict[tuple[int, str], str] = {}
        unit_ids = [u.pk for u in communes.values()]
        if not unit_ids:
            return found
        for chunk in chunks(folded):
            rows = Subject.objects.filter(
                kind=self.model.KIND, unit_id__in=unit_ids, name_folded__in=chunk
            ).values_list("unit_id", "name_folded", "code")
            for unit_id, name_folded, code in rows:
                found[(unit_id, name_folded)] = code
        return found

    @staticmethod
    def _reject(report: Report, plan: SubjectPlan, problem: str, **params) -> None:
        report.error(plan.row, problem, **params)
        plan.clean = False
