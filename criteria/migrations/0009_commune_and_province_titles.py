"""The commune's own title, "Cộng đồng học tập cấp xã" (Circular 25/2023/TT-BGDĐT: pass/fail indicators under
five criteria, two levels), the province-level "Đơn vị học tập" (Circular 24/2023/TT-BGDĐT, units managed by
the province), and the learning-citizen set as HKH Decision 244/QĐ-KHVN has it: three competence groups and
no levels (the shipped sample's "mức độ 2" came from no source; it ends with 2025).

The indicators' wording is a sample to be checked against the circulars' own text (is_sample): the structure
(criteria → indicators, level 1 / level 2) and the legal references are the circulars'. Who decides: the
level above the commune; since 1 July 2025 there is no district, so the national rule names the province
People's Committee and a province names its own body (criteria.authority)."""

import datetime

from django.db import migrations

TITLES = [
    ("CDHT_XA", "Cộng đồng học tập cấp xã", "community", "commune"),
    ("DVHT_TINH", "Đơn vị học tập (cấp tỉnh quản lý)", "organisation", "province"),
]

# criterion: (code, name, [(indicator code, text, level)])
COMMUNE = [
    ("1", "Công tác lãnh đạo, chỉ đạo xây dựng cộng đồng học tập", [
        ("1.1", "Có kế hoạch xây dựng xã hội học tập, cộng đồng học tập hằng năm được phê duyệt", 1),
        ("1.2", "Có Ban chỉ đạo xây dựng xã hội học tập hoạt động theo quy chế", 1),
        ("1.3", "Kế hoạch được sơ kết, tổng kết, đánh giá hằng năm", 2),
    ]),
    ("2", "Điều kiện bảo đảm cho học tập suốt đời", [
        ("2.1", "Trung tâm học tập cộng đồng có cơ sở vật chất, thiết bị tối thiểu để hoạt động", 1),
        ("2.2", "Có điểm truy cập Internet, thư viện hoặc tủ sách phục vụ người dân", 1),
        ("2.3", "Có nguồn lực số (học liệu, nền tảng) phục vụ học tập trực tuyến của người dân", 2),
    ]),
    ("3", "Kết quả phổ cập giáo dục, xóa mù chữ", [
        ("3.1", "Đạt chuẩn phổ cập giáo dục mầm non, tiểu học, trung học cơ sở", 1),
        ("3.2", "Đạt chuẩn xóa mù chữ mức độ 2", 2),
    ]),
    ("4", "Kết quả xây dựng các mô hình học tập", [
        ("4.1", "Tỷ lệ hộ gia đình đạt danh hiệu Gia đình học tập đạt mục tiêu của địa phương", 1),
        ("4.2", "Tỷ lệ thôn, tổ dân phố đạt danh hiệu Cộng đồng học tập cấp thôn đạt mục tiêu", 1),
        ("4.3", "Tỷ lệ dòng họ, đơn vị đạt danh hiệu học tập vượt mục tiêu của địa phương", 2),
    ]),
    ("5", "Hiệu quả học tập đối với đời sống người dân", [
        ("5.1", "Người dân được tham gia học tập, bồi dưỡng kiến thức, kỹ năng trong năm", 1),
        ("5.2", "Học tập góp phần nâng cao thu nhập, giảm nghèo, xây dựng nông thôn mới", 2),
    ]),
]

PROVINCE_UNIT = [
    ("1", "Lãnh đạo, chỉ đạo học tập trong đơn vị", [
        ("1.1", "Có kế hoạch học tập, bồi dưỡng hằng năm của đơn vị", 1),
    ]),
    ("2", "Học tập của cán bộ, công chức, viên chức, người lao động", [
        ("2.1", "Ít nhất 90% cán bộ, công chức, viên chức, người lao động đạt danh hiệu Công dân học tập", 1),
        ("2.2", "Cán bộ, người lao động được bồi dưỡng chuyên môn, kỹ năng số trong năm", 1),
    ]),
    ("3", "Điều kiện và hiệu quả học tập", [
        ("3.1", "Có tủ sách, thiết bị, nền tảng số phục vụ học tập", 1),
        ("3.2", "Đơn vị hoàn thành tốt nhiệm vụ, không có vi phạm pháp luật", 1),
    ]),
]

CITIZEN = [
    ("1", "Năng lực tự học", [
        ("1.1", "Xác định được nhu cầu và lập kế hoạch học tập của bản thân", None),
        ("1.2", "Hoàn thành ít nhất một khóa học, chuyên đề trong năm", None),
    ]),
    ("2", "Năng lực sử dụng công cụ học tập, làm việc (kể cả công cụ số)", [
        ("2.1", "Sử dụng được thiết bị số để tìm kiếm thông tin, học trực tuyến", None),
    ]),
    ("3", "Năng lực quan hệ xã hội", [
        ("3.1", "Tham gia hoạt động cộng đồng, chia sẻ kiến thức với người khác", None),
        ("3.2", "Hướng dẫn, hỗ trợ người khác cùng học tập", None),
    ]),
]

SETS = [
    ("CDHT_XA", "Bộ tiêu chí Cộng đồng học tập cấp xã",
     "Thông tư 25/2023/TT-BGDĐT — cấu trúc và mức độ theo Thông tư; nội dung chỉ số là mẫu, đối chiếu văn bản gốc",
     datetime.date(2024, 1, 1), COMMUNE, 1),
    ("DVHT_TINH", "Bộ tiêu chí Đơn vị học tập cấp tỉnh quản lý",
     "Thông tư 24/2023/TT-BGDĐT — nội dung chỉ số là mẫu, đối chiếu văn bản gốc", datetime.date(2024, 1, 1),
     PROVINCE_UNIT, 1),
    ("CONGDAN", "Bộ tiêu chí Công dân học tập (ba nhóm năng lực)",
     "Quyết định 244/QĐ-KHVN (2022) của Hội Khuyến học Việt Nam — ba nhóm năng lực, không chia mức độ; "
     "nội dung chỉ báo là mẫu", datetime.date(2026, 1, 1), CITIZEN, 2),
]

UBND_PROVINCE = ("ubnd", "QĐ-UBND", "Chủ tịch Ủy ban nhân dân")
AUTHORITIES = [
    # title, subject level, proposer, decider, body, auditor, legal, months between levels
    ("CDHT_XA", "commune", ("commune_officer", "commune"), ("province_chair", "province"), UBND_PROVINCE,
     ("auditor", "province"),
     "Thông tư 25/2023/TT-BGDĐT (cấp huyện công nhận; từ 01/7/2025 tỉnh quy định cơ quan thay thế)", 12),
    ("DVHT_TINH", "province", ("education_dept", "province"), ("province_chair", "province"), UBND_PROVINCE,
     ("auditor", "province"), "Thông tư 24/2023/TT-BGDĐT", None),
]


def forwards(apps, schema_editor):
    TitleType = apps.get_model("criteria", "TitleType")
    CriteriaSet = apps.get_model("criteria", "CriteriaSet")
    Criterion = apps.get_model("criteria", "Criterion")
    CriterionItem = apps.get_model("criteria", "CriterionItem")
    RecognitionAuthority = apps.get_model("criteria", "RecognitionAuthority")
    for code, name, kind, level in TITLES:
        TitleType.objects.get_or_create(
            code=code, defaults={"name": name, "subject_kind": kind, "case_unit_level": level}
        )
    for code, name, legal, valid_from, data, version in SETS:
        title = TitleType.objects.get(code=code)
        if CriteriaSet.objects.filter(title_type=title, version=version, province=None).exists():
            continue
        if version > 1:  # the previous national version ends the day before
            CriteriaSet.objects.filter(title_type=title, province=None, valid_to=None).update(
                valid_to=valid_from - datetime.timedelta(days=1)
            )
        cset = CriteriaSet.objects.create(
            title_type=title, version=version, name=name, legal_reference=legal, valid_from=valid_from,
            scoring_mode="pass_fail", min_criterion_share=0, is_sample=True,
        )
        for c_order, (c_code, c_name, items) in enumerate(data, start=1):
            criterion = Criterion.objects.create(criteria_set=cset, code=c_code, name=c_name, order=c_order)
            for i_order, (i_code, text, level) in enumerate(items, start=1):
                CriterionItem.objects.create(
                    criterion=criterion, code=i_code, text=text, order=i_order, level=level,
                    required=level in (None, 1),
                )
    for code, level, proposer, decider, body, auditor, legal, months in AUTHORITIES:
        title = TitleType.objects.get(code=code)
        if RecognitionAuthority.objects.filter(title_type=title, province=None).exists():
            continue
        RecognitionAuthority.objects.create(
            title_type=title, province=None, subject_level=level,
            proposer_role=proposer[0], proposer_level=proposer[1],
            decider_body=body[0], decider_role=decider[0], decider_level=decider[1],
            auditor_role=auditor[0], auditor_level=auditor[1],
            decision_suffix=body[1], signer_office=body[2], legal_reference=legal,
            months_between_levels=months,
        )


class Migration(migrations.Migration):
    dependencies = [("criteria", "0008_national_recognition_authorities")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
