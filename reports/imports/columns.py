"""The household import layout: one row per person, grouped by household code (the official
"danh sách nhân khẩu" shape). The headers are the file format, so they are fixed Vietnamese text."""

from dataclasses import dataclass

from registry.models import HouseholdMember
from registry.text import fold


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = True


HOUSEHOLD_COLUMNS = (
    Column("household_code", "Mã hộ"),
    Column("village_code", "Mã thôn"),
    Column("full_name", "Họ và tên"),
    Column("birth_year", "Năm sinh"),
    Column("relation", "Quan hệ với chủ hộ"),
    Column("address", "Địa chỉ", required=False),
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


def header_key(header) -> str | None:
    folded = fold(str(header or ""))
    return next((c.key for c in HOUSEHOLD_COLUMNS if fold(c.header) == folded), None)
