"""The five title families and their criteria sets: the household set of HKH Decision 448/QĐ-KHVN and
editable samples for the others (labelled is_sample: provinces review them before use)."""

import datetime

from django.db import migrations

TITLES = [
    # code, name, subject kind, case unit level
    ("GDHT", "Gia đình học tập", "household", "village"),
    ("DHHT", "Dòng họ học tập", "clan", "commune"),
    ("CDHT_THON", "Cộng đồng học tập cấp thôn", "community", "village"),
    ("DVHT", "Đơn vị học tập (cấp xã quản lý)", "organisation", "commune"),
    ("CONGDAN", "Công dân học tập", "person", "village"),
]

# criterion: (code, name, max points, [(item code, text, max points or None, level, [evidence (text, required)])])
HOUSEHOLD = [
    ("1", "Học tập của trẻ em", 30, [
        ("1.1", "Trẻ em trong độ tuổi đi học đều được đến trường, đi học đầy đủ", 10, None,
         [("Giấy xác nhận của nhà trường hoặc sổ liên lạc", False)]),
        ("1.2", "Kết quả học tập, rèn luyện của trẻ em đạt yêu cầu trở lên", 10, None,
         [("Học bạ hoặc phiếu báo kết quả học tập", True)]),
        ("1.3", "Trẻ em tham gia hoạt động học tập, văn hóa, thể thao ở trường và cộng đồng", 10, None, []),
    ]),
    ("2", "Học tập của người lớn", 30, [
        ("2.1", "Thành viên trong độ tuổi lao động tham gia học tập, bồi dưỡng nâng cao trình độ", 10, None,
         [("Chứng chỉ, giấy chứng nhận hoặc xác nhận tham gia lớp học", True)]),
        ("2.2", "Tham gia sinh hoạt tại Trung tâm học tập cộng đồng, câu lạc bộ, chuyên đề", 10, None, []),
        ("2.3", "Tự học, đọc sách báo, khai thác thông tin trên Internet phục vụ cuộc sống", 10, None, []),
    ]),
    ("3", "Điều kiện học tập của gia đình", 20, [
        ("3.1", "Có góc học tập, tủ sách cho các thành viên", 10, None, [("Ảnh góc học tập, tủ sách", True)]),
        ("3.2", "Có phương tiện học tập, thiết bị kết nối Internet", 10, None, []),
    ]),
    ("4", "Hiệu quả học tập", 20, [
        ("4.1", "Vận dụng kiến thức vào sản xuất, kinh doanh, cải thiện đời sống", 10, None, []),
        ("4.2", "Gia đình văn hóa, chấp hành tốt chính sách pháp luật, không có tệ nạn xã hội", 10, None, []),
    ]),
]

CLAN = [
    ("1", "Phong trào học tập trong dòng họ", 30, [
        ("1.1", "Tỷ lệ hộ trong dòng họ đạt Gia đình học tập", 15, None, [("Danh sách hộ được công nhận", True)]),
        ("1.2", "Có ban khuyến học và quỹ khuyến học dòng họ hoạt động thường xuyên", 15, None,
         [("Quyết định thành lập ban, sổ quỹ", True)]),
    ]),
    ("2", "Kết quả học tập của con cháu", 30, [
        ("2.1", "Trẻ em trong độ tuổi đi học được đến trường", 15, None, []),
        ("2.2", "Con cháu đạt thành tích học tập được khen thưởng", 15, None, []),
    ]),
    ("3", "Điều kiện học tập", 20, [("3.1", "Có tủ sách, nơi sinh hoạt học tập chung của dòng họ", 20, None, [])]),
    ("4", "Hiệu quả", 20, [("4.1", "Dòng họ đoàn kết, chấp hành tốt pháp luật, xây dựng quê hương", 20, None, [])]),
]

VILLAGE = [
    ("1", "Tổ chức học tập của cộng đồng", 30, [
        ("1.1", "Tỷ lệ hộ đạt Gia đình học tập", 15, None, [("Danh sách hộ được công nhận", True)]),
        ("1.2", "Tỷ lệ dòng họ đạt Dòng họ học tập", 15, None, []),
    ]),
    ("2", "Hoạt động học tập", 30, [
        ("2.1", "Người dân tham gia các lớp học, chuyên đề tại Trung tâm học tập cộng đồng", 30, None, []),
    ]),
    ("3", "Điều kiện học tập", 20, [("3.1", "Có điểm sinh hoạt, tủ sách cộng đồng", 20, None, [])]),
    ("4", "Hiệu quả", 20, [("4.1", "Đời sống vật chất, tinh thần của người dân được nâng lên", 20, None, [])]),
]

UNIT = [
    ("1", "Lãnh đạo, chỉ đạo học tập", 30, [
        ("1.1", "Có kế hoạch học tập, bồi dưỡng hằng năm", 30, None, [("Kế hoạch học tập của đơn vị", True)]),
    ]),
    ("2", "Học tập của cán bộ, người lao động", 30, [
        ("2.1", "Tỷ lệ người lao động đạt Công dân học tập", 30, None, []),
    ]),
    ("3", "Điều kiện học tập", 20, [("3.1", "Có tủ sách, thiết bị phục vụ học tập", 20, None, [])]),
    ("4", "Hiệu quả", 20, [("4.1", "Hoàn thành tốt nhiệm vụ, không có vi phạm pháp luật", 20, None, [])]),
]

CITIZEN = [
    ("1", "Năng lực tự học", None, [
        ("1.1", "Xác định được nhu cầu và lập kế hoạch học tập của bản thân", None, 1, []),
        ("1.2", "Hoàn thành ít nhất một khóa học, chuyên đề trong năm", None, 1, []),
    ]),
    ("2", "Năng lực sử dụng công cụ học tập, làm việc (kể cả công cụ số)", None, [
        ("2.1", "Sử dụng được thiết bị số để tìm kiếm thông tin, học trực tuyến", None, 1, []),
    ]),
    ("3", "Năng lực quan hệ xã hội", None, [
        ("3.1", "Tham gia hoạt động cộng đồng, chia sẻ kiến thức với người khác", None, 1, []),
        ("3.2", "Hướng dẫn, hỗ trợ người khác cùng học tập", None, 2, []),
    ]),
]

SETS = [
    # title, name, legal reference, valid from, mode, thresholds (urban, ordinary, mountain), min share, sample, data
    ("GDHT", "Bộ tiêu chí Gia đình học tập", "Quyết định 448/QĐ-KHVN (2015) của Hội Khuyến học Việt Nam; "
     "ngưỡng đạt theo khu vực là giá trị mẫu", datetime.date(2015, 1, 1), "points", (85, 80, 70), 50, True, HOUSEHOLD),
    ("DHHT", "Bộ tiêu chí Dòng họ học tập (mẫu)", "Khung của Hội Khuyến học Việt Nam — mẫu, địa phương hiệu chỉnh",
     datetime.date(2015, 1, 1), "points", (85, 80, 70), 50, True, CLAN),
    ("CDHT_THON", "Bộ tiêu chí Cộng đồng học tập cấp thôn (mẫu)",
     "Khung của Hội Khuyến học Việt Nam — mẫu, địa phương hiệu chỉnh", datetime.date(2015, 1, 1), "points",
     (85, 80, 70), 50, True, VILLAGE),
    ("DVHT", "Bộ tiêu chí Đơn vị học tập cấp xã quản lý (mẫu)",
     "Khung của Hội Khuyến học Việt Nam — mẫu, địa phương hiệu chỉnh", datetime.date(2015, 1, 1), "points",
     (85, 80, 70), 50, True, UNIT),
    ("CONGDAN", "Bộ tiêu chí Công dân học tập (mẫu)", "Quyết định 244/QĐ-KHVN (2022) — ba nhóm năng lực, mẫu",
     datetime.date(2022, 1, 1), "pass_fail", (None, None, None), 0, True, CITIZEN),
]


def forwards(apps, schema_editor):
    TitleType = apps.get_model("criteria", "TitleType")
    CriteriaSet = apps.get_model("criteria", "CriteriaSet")
    Criterion = apps.get_model("criteria", "Criterion")
    CriterionItem = apps.get_model("criteria", "CriterionItem")
    EvidenceRequirement = apps.get_model("criteria", "EvidenceRequirement")
    titles = {}
    for code, name, kind, level in TITLES:
        titles[code], _ = TitleType.objects.get_or_create(
            code=code, defaults={"name": name, "subject_kind": kind, "case_unit_level": level}
        )
    for title, name, legal, valid_from, mode, thresholds, share, sample, data in SETS:
        if CriteriaSet.objects.filter(title_type=titles[title]).exists():
            continue
        urban, ordinary, mountain = thresholds
        cset = CriteriaSet.objects.create(
            title_type=titles[title], version=1, name=name, legal_reference=legal, valid_from=valid_from,
            scoring_mode=mode, threshold_urban=urban, threshold_ordinary=ordinary, threshold_mountain=mountain,
            min_criterion_share=share, is_sample=sample,
        )
        for c_order, (c_code, c_name, c_max, items) in enumerate(data, start=1):
            criterion = Criterion.objects.create(criteria_set=cset, code=c_code, name=c_name, order=c_order,
                                                 max_points=c_max)
            for i_order, (i_code, text, i_max, level, evidence) in enumerate(items, start=1):
                item = CriterionItem.objects.create(criterion=criterion, code=i_code, text=text, order=i_order,
                                                    max_points=i_max, level=level)
                for description, required in evidence:
                    EvidenceRequirement.objects.create(item=item, description=description, required=required)


class Migration(migrations.Migration):
    dependencies = [("criteria", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
