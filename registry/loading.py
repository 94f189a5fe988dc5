"""Loading the official post-2025 provinces and communes from the `vietnam_provinces` package."""

import datetime
from collections.abc import Iterable

from vietnam_provinces import Province, ProvinceCode, VietNamDivisionType, Ward

from .models import AdministrativeUnit, AreaClass, UnitLevel
from .services import create_unit

REFORM_DATE = datetime.date(2025, 7, 1)  # the two-tier administration (province -> commune) starts


def province_code(code: int) -> str:
    return f"{int(code)}"


def commune_code(province: int, ward: int) -> str:
    return f"{int(province)}-{int(ward):05d}"


def province_unit_name(province: Province) -> str:
    """'Bắc Ninh' -> 'Tỉnh Bắc Ninh'; centrally-run cities already carry 'Thành phố' in their name."""
    if province.division_type == VietNamDivisionType.TINH:
        return f"Tỉnh {province.name}"
    return province.name


def load_province(code: int, *, wards: Iterable[int] | None = None, valid_from: datetime.date = REFORM_DATE):
    """Create the province and its communes/wards (all, or only `wards`) that are not in the tree yet.

    Returns (province unit, number of units created). Existing codes are left untouched.
    """
    official = Province.from_code(ProvinceCode(int(code)))
    wanted = None if wards is None else {int(w) for w in wards}
    created = 0
    pcode = province_code(code)
    province = AdministrativeUnit.objects.filter(code=pcode).first()
    if province is None:
        province = create_unit(
            code=pcode,
            name=province_unit_name(official),
            level=UnitLevel.PROVINCE,
            area_class=AreaClass.ORDINARY,
            valid_from=valid_from,
        )
        created += 1
    existing = set(
        AdministrativeUnit.objects.filter(code__startswith=f"{pcode}-").values_list("code", flat=True)
    )
    for ward in Ward.iter_by_province(official.code):
        if wanted is not None and int(ward.code) not in wanted:
            continue
        ccode = commune_code(code, int(ward.code))
        if ccode in existing:
            continue
        urban = ward.division_type == VietNamDivisionType.PHUONG
        create_unit(
            code=ccode,
            name=ward.name,
            level=UnitLevel.COMMUNE,
            parent=province,
            area_class=AreaClass.URBAN if urban else AreaClass.ORDINARY,
            valid_from=valid_from,
        )
        existing.add(ccode)
        created += 1
    return province, created


# --- small, valid evidence files ---------------------------------------------------------------------------
