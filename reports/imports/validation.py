"""Checking every row of a household import against the layout and the registry before anything is written."""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from registry.households import MIN_BIRTH_YEAR
from registry.models import AdministrativeUnit, HouseholdMember, Subject, SubjectKind, UnitLevel
from registry.selectors import path_q

from .columns import HOUSEHOLD_COLUMNS, relation_code
from .parsing import Sheet

HEADERS = {c.key: c.header for c in HOUSEHOLD_COLUMNS}
MAX_LENGTH = {"household_code": 40, "village_code": 40, "full_name": 120, "address": 255}
LOOKUP_CHUNK = 2000


@dataclass
class HouseholdPlan:
    code: str
    village_code: str
    first_row: int
    address: str = ""
    head_name: str = ""
    head_row: int | None = None
    members: list[dict] = field(default_factory=list)


@dataclass
class Report:
    rows: int = 0
    errors: list[dict] = field(default_factory=list)  # {"row", "code", "params"}, in row order
    new: list[HouseholdPlan] = field(default_factory=list)
    existing: int = 0
    villages: dict[str, AdministrativeUnit] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def new_members(self) -> int:
        return sum(len(h.members) for h in self.new)

    def error(self, row: int, problem: str, /, **params) -> None:
        self.errors.append({"row": row, "code": problem, "params": params})


def validate_households(sheet: Sheet, *, scope: list[str] | None) -> Report:
    """Every problem of every row, with its spreadsheet row number; `scope` = unit paths the importer holds
    (None = everywhere). A row's village is checked once, on the household's first row."""
    report = Report(rows=len(sheet.rows))
    households: dict[str, HouseholdPlan] = {}
    this_year = timezone.localdate().year
    for number, cells in sheet.rows:
        problems = len(report.errors)
        for key, limit in MAX_LENGTH.items():
            if len(cells.get(key, "")) > limit:
                report.error(number, "too_long", column=HEADERS[key], max=limit)
        for key in ("household_code", "village_code", "full_name", "birth_year", "relation"):
            if not cells[key]:
                report.error(number, "required", column=HEADERS[key])
        year = _year(cells["birth_year"])
        if cells["birth_year"] and not (year and MIN_BIRTH_YEAR <= year <= this_year):
            report.error(number, "birth_year", value=cells["birth_year"], min=MIN_BIRTH_YEAR, max=this_year)
        relation = relation_code(cells["relation"]) if cells["relation"] else None
        if cells["relation"] and relation is None:
            report.error(number, "relation", value=cells["relation"])
        code = cells["household_code"]
        if not code:
            continue
        plan = households.get(code)
        if plan is None:
            plan = households[code] = HouseholdPlan(
                code=code,
                village_code=cells["village_code"],
                first_row=number,
                address=cells.get("address", ""),
            )
        elif cells["village_code"] and cells["village_code"] != plan.village_code:
            report.error(
                number,
                "other_village",
                code=code,
                village=plan.village_code,
                first=plan.first_row,
                other=cells["village_code"],
            )
        if relation == HouseholdMember.Relation.HEAD:
            if plan.head_row is not None:
                report.error(number, "second_head", code=code, first=plan.head_row)
            else:
                plan.head_row, plan.head_name = number, cells["full_name"]
                plan.address = plan.address or cells.get("address", "")
        if len(report.errors) == problems:
            plan.members.append({"full_name": cells["full_name"], "birth_year": year, "relation": relation})
    _check_households(report, households, scope)
    report.errors.sort(key=lambda e: e["row"])
    return report


def _year(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


def _check_households(report: Report, households: dict[str, HouseholdPlan], scope) -> None:
    village_codes = {h.village_code for h in households.values() if h.village_code}
    villages = _villages(village_codes, scope)
    existing = _existing_subjects(list(households))
    for plan in households.values():
        village = villages.get(plan.village_code)
        if plan.village_code and village is None:
            report.error(plan.first_row, "unknown_village", code=plan.village_code)
        if plan.head_row is None:
            report.error(plan.first_row, "no_head", code=plan.code)
        taken = existing.get(plan.code)
        if taken is not None:
            kind, unit_id = taken
            if kind != SubjectKind.HOUSEHOLD or village is None or unit_id != village.pk:
                report.error(plan.first_row, "code_taken", code=plan.code)
            else:
                report.existing += 1
        elif village is not None:
            report.new.append(plan)
    report.villages = villages


def _villages(codes: set[str], scope) -> dict[str, AdministrativeUnit]:
    qs = AdministrativeUnit.objects.filter(level=UnitLevel.VILLAGE, code__in=codes)
    if scope is not None:
        qs = qs.filter(path_q(scope))
    return {u.code: u for u in qs.only("pk", "code", "path", "area_class")}


def _existing_subjects(codes: list[str]) -> dict[str, tuple[str, int]]:
    found: dict[str, tuple[str, int]] = {}
    for start in range(0, len(codes), LOOKUP_CHUNK):
        chunk = codes[start : start + LOOKUP_CHUNK]
        for code, kind, unit_id in Subject.objects.filter(Q(code__in=chunk)).values_list(
            "code", "kind", "unit_id"
        ):
            found[code] = (kind, unit_id)
    return found
