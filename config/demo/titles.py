"""The demo's titles beyond households: village communities, the commune itself (CDHT_XA, Circular 25/2023),
the units the province manages (DVHT_TINH, Circular 24/2023), each through the recognition flow and decided by
the body its authority names. Bắc Ninh names its Department of Education where Circular 25 names the district.
"""

from registry.models import Community, Organisation, Role

from . import through_flow as services

R = Role

# Bắc Ninh's own rule for the commune's title: the Department of Education recognises the communes
BAC_NINH_COMMUNE_RULE = {
    "decider_body": "sgddt",
    "decider_role": R.EDUCATION_DEPT,
    "decision_suffix": "QĐ-SGDĐT",
    "signer_office": "Giám đốc Sở Giáo dục và Đào tạo",
    "legal_reference": "Thông tư 25/2023/TT-BGDĐT; từ 01/7/2025 Sở GD&ĐT thực hiện thay cấp huyện",
}
PROVINCE_UNITS = [  # (code, name, members, where the demo leaves it)
    ("DV-24-SYT", "Sở Y tế tỉnh Bắc Ninh", 120, "recognised"),
    ("DV-24-STP", "Sở Tư pháp tỉnh Bắc Ninh", 85, "reviewed"),
    ("DV-24-SCT", "Sở Công Thương tỉnh Bắc Ninh", 95, "nominated"),
]
EARLY_LEVEL_2 = (
    "Chưa đủ 12 tháng kể từ khi được công nhận mức độ 1 (Thông tư 25/2023/TT-BGDĐT); "
    "xã nộp lại hồ sơ mức độ 2 vào năm sau."
)


def seed_titles(seeder) -> None:
    _configure_bac_ninh(seeder)
    _village_communities(seeder)
    _communes(seeder)
    _province_units(seeder)


def _configure_bac_ninh(seeder) -> None:
    from criteria.authority import RecognitionAuthority
    from criteria.services import configure_authority

    national = RecognitionAuthority.objects.get(title_type__code="CDHT_XA", province=None)
    row = RecognitionAuthority.objects.filter(
        title_type=national.title_type, province=seeder.province
    ).first()
    if row is None:
        row = RecognitionAuthority.objects.get(pk=national.pk)
        row.pk, row.province = None, seeder.province
    for field, value in BAC_NINH_COMMUNE_RULE.items():
        setattr(row, field, value)
    configure_authority(row, actor=seeder.admin)


def _village_communities(seeder) -> None:
    """The second village of each commune is recognised as a learning community by the commune chair."""
    title = seeder._title("CDHT_THON")
    seen = set()
    for local, village, community in seeder.communities:
        if local.unit.pk in seen or (local.villages and village == local.villages[0][1]):
            continue
        seen.add(local.unit.pk)
        officer = local.village_users[(village.pk, R.VILLAGE_OFFICER)]
        case = services.nominate_case(community, title_type=title, year=seeder.year, actor=officer)
        case = seeder._collect(case, officer)
        case = services.score_case(
            case, values=seeder._points(case, passing=True), actor=local.users[R.ASSESSOR]
        )
        head = local.village_users[(village.pk, R.VILLAGE_HEAD)]
        case = services.review_in_village(case, proposed=True, actor=head)
        services.decide_in_commune(case, recognised=True, actor=local.users[R.COMMUNE_CHAIR])


def _communes(seeder) -> None:
    """Each commune files its self-assessment dossier: the first was recognised at level 1 last year and its
    level-2 application this year is refused as too early; the second is recognised at level 1 this year; the
    others wait for the Department's decision."""
    title = seeder._title("CDHT_XA")
    department = seeder.province_users[R.EDUCATION_DEPT]
    for n, local in enumerate(seeder.locals):
        subject, _ = Community.objects.get_or_create(
            code=f"CDX-{local.unit.code}",
            defaults={"name": local.unit.name, "unit": local.unit, "address": seeder.province.name},
        )
        years = [(seeder.year - 1, 1), (seeder.year, 2)] if n == 0 else [(seeder.year, 1)]
        for year, level in years:
            case = _dossier(seeder, local, subject, title, year, level)
            if n == 0 and level == 2:
                services.decide_in_commune(case, recognised=False, actor=department, reason=EARLY_LEVEL_2)
            elif n <= 1:
                services.decide_in_commune(case, recognised=True, actor=department)


def _dossier(seeder, local, subject, title, year: int, level: int):
    """The commune's self-assessment: opened and filed by the commune officer, indicators assessed at the
    commune, proposed by the commune officer."""
    officer = local.users[R.COMMUNE_OFFICER]
    case = services.nominate_case(subject, title_type=title, year=year, actor=officer)
    case = seeder._collect(case, officer)
    values = seeder._indicators(case, level=level)
    case = services.score_case(case, values=values, actor=local.users[R.ASSESSOR])
    return services.review_in_village(case, proposed=True, actor=officer)


def _province_units(seeder) -> None:
    """Agencies the province manages: prepared by the Department of Education, decided by the province's
    People's Committee chair."""
    title = seeder._title("DVHT_TINH")
    department = seeder.province_users[R.EDUCATION_DEPT]
    for code, name, members, where in PROVINCE_UNITS:
        unit, _ = Organisation.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "unit": seeder.province,
                "org_type": Organisation.OrgType.AGENCY,
                "member_count": members,
                "address": seeder.province.name,
            },
        )
        case = services.nominate_case(unit, title_type=title, year=seeder.year, actor=department)
        if where == "nominated":
            continue
        case = seeder._collect(case, department)
        case = services.score_case(case, values=seeder._indicators(case, level=1), actor=department)
        case = services.review_in_village(case, proposed=True, actor=department)
        if where == "recognised":
            services.decide_in_commune(case, recognised=True, actor=seeder.province_users[R.PROVINCE_CHAIR])
