"""Households with their members: one row per person, grouped by household code (the official
"danh sách nhân khẩu" shape); each household in a village of the importer's area."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.bulk import NewHousehold
from registry.households import birth_years
from registry.models import HouseholdMember, SubjectKind, UnitLevel
from registry.text import fold

from .base import IMPORT_ROLES, Column, Report, as_int, check_cells
from .parsing import Sheet
from .subjects import SubjectImport, subjects_by_code, units_in_scope

COLUMNS = (
    Column("household_code", "Mã hộ", max_length=40),
    Column("village_code", "Mã thôn", max_length=40, width=16),
    Column("full_name", "Họ và tên", max_length=120, width=28),
    Column("birth_year", "Năm sinh", width=10),
    Column("relation", "Quan hệ với chủ hộ", width=20),
    Column("address", "Địa chỉ", required=False, max_length=255, width=36),
    Column("phone", "Số điện thoại", required=False, max_length=20, width=16),
    Column("head_id_last4", "4 số cuối CCCD chủ hộ", required=False, max_length=4, width=12),
)

# What people write in the relation column, folded; the English codes are accepted too.
RELATION_WORDS = {
    HouseholdMember.Relation.HEAD: ("Chủ hộ",),
    HouseholdMember.Relation.SPOUSE: ("Vợ/chồng", "Vợ", "Chồng"),
    HouseholdMember.Relation.CHILD: ("Con", "Con đẻ", "Con nuôi"),
    HouseholdMember.Relation.PARENT: ("Bố/mẹ", "Bố", "Mẹ", "Cha", "Cha/mẹ"),
    HouseholdMember.Relation.GRANDCHILD: ("Cháu",),
    HouseholdMember.Relation.OTHER: ("Khác",),
}
RELATIONS = {fold(word): code for code, words in RELATION_WORDS.items() for word in (*words, code)}


def relation_code(value: str) -> str | None:
    return RELATIONS.get(fold(value))


@dataclass
class HouseholdPlan:
    code: str
    village_code: str
    first_row: int
    address: str = ""
    head_name: str = ""
    head_row: int | None = None
    phone: str = ""
    head_id_last4: str = ""
    members: list[dict] = field(default_factory=list)


class HouseholdImport(SubjectImport):
    key = "households"
    slug = "ho-gia-dinh"
    label = gettext_lazy("Households with members")
    columns = COLUMNS
    sheet_title = "Nhan khau"
    file_stem = "mau-nhap-ho-gia-dinh"
    event_type = "registry.households_imported"
    import_roles = IMPORT_ROLES

    def guide(self) -> list[str]:
        relations = ", ".join(words[0] for words in RELATION_WORDS.values())
        return [
            _("One row per person. Rows with the same household code form one household."),
            _(
                "Household code: the commune's code for the household; it identifies the household on "
                "re-import."
            ),
            _("Village code: the code of the village or residential group, as listed in the system."),
            _("Birth year: four digits, e.g. 1978."),
            _("Relationship to the head of household: one of %(values)s; exactly one “Chủ hộ” per household.")
            % {"values": relations},
            _("Address is optional and is read from the household's first row."),
            _(
                "Phone number and the last four digits of the head's citizen ID are optional and are read "
                "from the head's row; the household uses them to follow its case online."
            ),
            _("Households whose code is already registered in the same village are left unchanged."),
            _("Nothing is imported while any row has an error."),
        ]

    def validate(self, sheet: Sheet, *, scope: list[str] | None, actor=None) -> Report:
        """Every problem of every row; a household's village is checked once, on its first row."""
        report = Report(rows=len(sheet.rows))
        households: dict[str, HouseholdPlan] = {}
        first_year, last_year = birth_years()
        for number, cells in sheet.rows:
            problems = len(report.errors)
            check_cells(report, self, number, cells)
            year = as_int(cells["birth_year"])
            if cells["birth_year"] and not (year and first_year <= year <= last_year):
                report.error(number, "birth_year", value=cells["birth_year"], min=first_year, max=last_year)
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
                    plan.phone = cells.get("phone", "")
                    plan.head_id_last4 = cells.get("head_id_last4", "")
            if len(report.errors) == problems:
                plan.members.append(
                    {"full_name": cells["full_name"], "birth_year": year, "relation": relation}
                )
        self._check_registry(report, households, scope)
        report.linked = sum(len(h.members) for h in report.new)
        self.check_in_registry(report)
        return report.sort()

    def _check_registry(self, report: Report, households: dict[str, HouseholdPlan], scope) -> None:
        codes = {h.village_code for h in households.values() if h.village_code}
        villages = units_in_scope(codes, level=UnitLevel.VILLAGE, scope=scope)
        existing = subjects_by_code(list(households))
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
        report.context["villages"] = villages

    def new_subjects(self, report: Report) -> list[tuple[int, NewHousehold]]:
        villages = report.context["villages"]
        return [
            (
                plan.first_row,
                NewHousehold(
                    plan.code,
                    villages[plan.village_code],
                    plan.head_name,
                    plan.address,
                    plan.members,
                    phone=plan.phone,
                    head_id_last4=plan.head_id_last4,
                ),
            )
            for plan in report.new
        ]


HOUSEHOLDS = HouseholdImport()
