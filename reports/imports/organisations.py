"""Organisations and units ("cơ quan, đơn vị"): agencies, schools, enterprises, cooperatives managed by a
commune, one row each."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.bulk import NewOrganisation
from registry.models import Organisation
from registry.text import fold

from .base import Column, Report, as_int
from .commune_subjects import ADDRESS, COMMUNE, CommuneSubjectImport, SubjectPlan

T = Organisation.OrgType
# What people write in the type column, folded; the English codes are accepted too.
TYPE_WORDS = {
    T.AGENCY: ("Cơ quan", "Cơ quan nhà nước"),
    T.SCHOOL: ("Trường học", "Trường", "Nhà trường"),
    T.ENTERPRISE: ("Doanh nghiệp", "Công ty"),
    T.COOPERATIVE: ("Hợp tác xã", "HTX"),
    T.OTHER: ("Khác",),
}
TYPES = {fold(word): code for code, words in TYPE_WORDS.items() for word in (*words, code)}
MAX_MEMBERS = 1_000_000


class OrganisationImport(CommuneSubjectImport):
    key = "organisations"
    slug = "co-quan-don-vi"
    label = gettext_lazy("Organisations and units")
    model = Organisation
    columns = (
        Column("code", "Mã đơn vị", max_length=40),
        Column("name", "Tên cơ quan, đơn vị", max_length=200, width=36),
        COMMUNE,
        Column("org_type", "Loại hình", width=16),
        Column("member_count", "Số cán bộ, người lao động", required=False, width=14),
        ADDRESS,
    )
    sheet_title = "Co quan don vi"
    file_stem = "mau-nhap-co-quan-don-vi"
    event_type = "registry.organisations_imported"

    def guide(self) -> list[str]:
        return [
            _("One row per agency, school, enterprise or cooperative managed by the commune."),
            _("Unit code: the commune's code for the unit; it identifies the unit on re-import."),
            _("Commune code: the code of the commune or ward that manages the unit."),
            _("Type: one of %(values)s.") % {"values": ", ".join(w[0] for w in TYPE_WORDS.values())},
            _("Number of staff and members: a whole number, 0 or more; empty means 0."),
            _(
                "A unit whose code is already registered in the same commune is left unchanged; a unit name "
                "already registered in the commune under another code is an error."
            ),
            _("Nothing is imported while any row has an error."),
        ]

    def parse_extra(self, report: Report, number: int, cells: dict[str, str]) -> dict:
        org_type = TYPES.get(fold(cells["org_type"])) if cells["org_type"] else None
        if cells["org_type"] and org_type is None:
            values = ", ".join(w[0] for w in TYPE_WORDS.values())
            report.error(number, "org_type", value=cells["org_type"], values=values)
        raw = cells.get("member_count", "")
        count = as_int(raw) if raw else 0
        if count is None or not 0 <= count <= MAX_MEMBERS:
            report.error(number, "member_count", value=raw, max=MAX_MEMBERS)
        return {"org_type": org_type, "member_count": count or 0}

    def new_subject(self, report: Report, plan: SubjectPlan, commune) -> NewOrganisation:
        return NewOrganisation(
            plan.code,
            commune,
            plan.name,
            plan.extra["org_type"],
            member_count=plan.extra["member_count"],
            address=plan.address,
        )


ORGANISATIONS = OrganisationImport()
