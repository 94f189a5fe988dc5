"""Demo data: names, reasons, the demo communes and small genuine evidence files.

Free-text content (names, reasons, decision numbers) is demo *data* typed "by Vietnamese officers", not
interface text, and is therefore not translated.
"""

import io
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from registry.loading import province_code
from registry.models import (
    AdministrativeUnit,
    AreaClass,
    Clan,
    Community,
    Household,
    HouseholdMember,
    Organisation,
    Person,
    Role,
    RoleAssignment,
)
from registry.text import fold

DEMO_PASSWORD = "hoctap2026"  # noqa: S105 - published demo password, printed on purpose
DEMO_PROVINCE = 24  # Bắc Ninh
DEMO_PROVINCE_SLUG = "bacninh"
HOUSEHOLD_PREFIX = "HGD"


# --- official units ---------------------------------------------------------------------------------------


def pdf_bytes(text: str = "Minh chung") -> bytes:
    """A small, valid one-page PDF (ASCII text only)."""
    text = fold(text).replace("(", "[").replace(")", "]").replace("\\", "/")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 200] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        None,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    stream = f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode("ascii", "replace")
    objects[3] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def image_bytes(colour: tuple[int, int, int], fmt: str = "JPEG") -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (32, 24), colour).save(buf, format=fmt)
    return buf.getvalue()


# --- the demo's fixed shape ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class VillageSpec:
    name: str
    slug: str


@dataclass(frozen=True)
class CommuneSpec:
    ward: int  # official ward code in vietnam_provinces
    slug: str
    village_area_class: str
    villages: tuple[VillageSpec, ...]


DEMO_COMMUNES = (
    CommuneSpec(
        7627,
        "daison",
        "",
        (
            VillageSpec("Thôn Đông", "dong"),
            VillageSpec("Thôn Tây", "tay"),
            VillageSpec("Thôn Trung", "trung"),
        ),
    ),
    # The former Sơn Động district is mountainous: its villages use the mountain thresholds.
    CommuneSpec(
        7615,
        "sondong",
        AreaClass.MOUNTAIN,
        (
            VillageSpec("Bản Nà Lầm", "nalam"),
            VillageSpec("Thôn Khe Rỗ", "khero"),
            VillageSpec("Thôn Đồng Bài", "dongbai"),
        ),
    ),
    CommuneSpec(
        9187,
        "kinhbac",
        "",
        (
            VillageSpec("Khu phố Đọ Xá", "doxa"),
            VillageSpec("Khu phố Thanh Sơn", "thanhson"),
            VillageSpec("Tổ dân phố số 5", "tdp5"),
        ),
    ),
)

FAMILY_NAMES = (
    ["Nguyễn"] * 6
    + ["Trần"] * 3
    + ["Lê"] * 2
    + [
        "Phạm",
        "Hoàng",
        "Vũ",
        "Đặng",
        "Bùi",
        "Đỗ",
        "Ngô",
        "Dương",
        "Lý",
        "Hà",
        "Đinh",
        "Nông",
    ]
)
MALE_MIDDLE = ["Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Xuân", "Đình"]
FEMALE_MIDDLE = ["Thị", "Thị", "Thu", "Ngọc", "Minh", "Thanh", "Hồng", "Kim"]
MALE_GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Đức",
    "Hải",
    "Hùng",
    "Khang",
    "Long",
    "Nam",
    "Phong",
    "Quân",
    "Sơn",
    "Tuấn",
    "Việt",
    "Thắng",
    "Toàn",
    "Hiếu",
    "Khánh",
    "Lâm",
]
FEMALE_GIVEN = [
    "Hà",
    "Hương",
    "Lan",
    "Linh",
    "Mai",
    "Ngọc",
    "Nhung",
    "Phương",
    "Thảo",
    "Trang",
    "Yến",
    "Hoa",
    "Huyền",
    "Loan",
    "Oanh",
    "Vân",
    "Hằng",
    "Thủy",
]

R = Role
USER_PREFIX = {
    R.VILLAGE_OFFICER: "chihoi",
    R.VILLAGE_HEAD: "truongthon",
    R.ASSESSOR: "chamdiem",
    R.COMMUNE_OFFICER: "canbo",
    R.COMMUNE_CHAIR: "chutich",
    R.COMMUNE_HKH: "hoikhuyenhoc",
    R.PROVINCE_HKH: "hoikhuyenhoc",
    R.EDUCATION_DEPT: "sogddt",
    R.PROVINCE_CHAIR: "chutich",
    R.SUPERVISOR: "giamsat",
    R.AUDITOR: "hauky",
    R.INSPECTOR: "thanhtra",
}
VILLAGE_ROLES = (R.VILLAGE_OFFICER, R.VILLAGE_HEAD)
COMMUNE_ROLES = (R.ASSESSOR, R.COMMUNE_OFFICER, R.COMMUNE_CHAIR, R.COMMUNE_HKH, R.SUPERVISOR)
PROVINCE_ROLES = (R.AUDITOR, R.SUPERVISOR, R.INSPECTOR, R.PROVINCE_HKH, R.EDUCATION_DEPT, R.PROVINCE_CHAIR)

# Where each household case ends up. The first case of each scenario comes in this order, so even a small
# demo shows every state; the rest are drawn with these weights.
SCENARIOS = {
    "district_audited": 34,
    "commune_decided": 14,
    "village_reviewed": 10,
    "scored": 6,
    "not_proposed": 6,
    "evidence_collected": 7,
    "nominated": 6,
    "returned": 3,
    "refused": 3,
    "revoked": 3,
    "withdrawn": 3,
    "scored_low": 2,
    "audit_not_sampled": 4,
}
AUDITED = {"district_audited", "revoked", "audit_not_sampled"}
PASSING = {"scored", "village_reviewed", "commune_decided", "refused", *AUDITED}
REVIEWED = {"village_reviewed", "commune_decided", "refused", *AUDITED}
DECIDED = {"commune_decided", *AUDITED}

RETURN_REASONS = [  # (reason, the item whose file the officer then withdraws)
    ("Ảnh góc học tập bị mờ, đề nghị chụp lại.", "3.1"),
    ("Học bạ nộp kèm không phải của năm học đánh giá, đề nghị bổ sung.", "1.2"),
]
NOT_PROPOSED_REASONS = [
    "Tổng điểm chưa đạt ngưỡng; cuộc họp thôn đề nghị gia đình phấn đấu năm sau.",
    "Thành viên trong độ tuổi lao động chưa tham gia lớp học nào trong năm.",
]
REFUSAL_REASONS = [
    "Gia đình có thành viên vi phạm quy định về an ninh trật tự trong năm đánh giá.",
    "Xác minh cho thấy trẻ trong độ tuổi đi học bỏ học từ học kỳ II.",
]
REVOCATION_REASONS = [
    "Hậu kiểm: giấy chứng nhận tham gia lớp học không do cơ sở đào tạo cấp.",
    "Hậu kiểm: hộ đã chuyển khỏi địa bàn trước thời điểm họp xét.",
]
WITHDRAWAL_REASONS = [
    "Gia đình chuyển nơi ở, xin rút hồ sơ.",
    "Chủ hộ đề nghị rút hồ sơ để đăng ký vào năm sau.",
]


@dataclass
class Local:
    """A commune of the demo with its villages and the users acting on them."""

    spec: CommuneSpec
    unit: AdministrativeUnit
    short: str
    villages: list = field(default_factory=list)  # [(VillageSpec, AdministrativeUnit)]
    users: dict = field(default_factory=dict)  # role -> user
    village_users: dict = field(default_factory=dict)  # (village pk, role) -> user


# --- reading the demo back ---------------------------------------------------------------------------------


def demo_present(province: int = DEMO_PROVINCE) -> bool:
    return Household.objects.filter(
        unit__path__startswith=f"/{province_code(province)}/", code__startswith=f"{HOUSEHOLD_PREFIX}-"
    ).exists()


def logins(province: int = DEMO_PROVINCE) -> list[tuple[str, str, str]]:
    """(username, role label, unit name) of every account holding a role in the demo province."""
    rows = (
        RoleAssignment.objects.filter(unit__path__startswith=f"/{province_code(province)}/")
        .select_related("user", "unit")
        .order_by("unit__path", "role", "user__username")
    )
    return [(a.user.get_username(), str(Role(a.role).label), a.unit.name) for a in rows]


def demo_counts(province: int = DEMO_PROVINCE) -> dict:
    from audit.models import AuditEvent
    from cases.models import Case

    prefix = f"/{province_code(province)}/"
    cases = Case.objects.filter(unit_path__startswith=prefix)
    return {
        "units": AdministrativeUnit.objects.filter(path__startswith=prefix).count(),
        "households": Household.objects.filter(unit__path__startswith=prefix).count(),
        "members": HouseholdMember.objects.filter(household__unit__path__startswith=prefix).count(),
        "clans": Clan.objects.filter(unit__path__startswith=prefix).count(),
        "organisations": Organisation.objects.filter(unit__path__startswith=prefix).count(),
        "persons": Person.objects.filter(unit__path__startswith=prefix).count(),
        "communities": Community.objects.filter(unit__path__startswith=prefix).count(),
        "users": get_user_model().objects.count(),
        "cases": cases.count(),
        "cases_by_state": dict(Counter(cases.values_list("state", flat=True))),
        "cases_by_title": dict(Counter(cases.values_list("title_type__code", flat=True))),
        "audit_events": AuditEvent.objects.count(),
    }


# --- seeding ------------------------------------------------------------------------------------------------
