"""Who proposes, decides and audits each title nationally (a province's own row overrides it).

The People's Committee of the commune recognises households, clans, village communities and the units it
manages, on the proposal of the village head (households, villages) or the commune officer (clans, units);
learning citizens are recognised by the Study Promotion Association (HKH Decision 244/QĐ-KHVN; Sơn La
210/KH-UBND §III.3, §V.1): the village branch ("chi hội") verifies the self-assessment, the commune
Association compiles the numbered proposal ("tờ trình", TTr-HKH), the province Association decides. The audit above the commune is the province's
(there is no district since 1 July 2025)."""

from django.db import migrations

UBND = ("ubnd", "QĐ-UBND", "Chủ tịch Ủy ban nhân dân")
HKH = ("hkh", "QĐ-HKH", "Chủ tịch Hội Khuyến học")

AUTHORITIES = [
    # title, subject level, (proposer role, level), (decider role, level), body, (auditor role, level), legal
    ("GDHT", "village", ("village_head", "village"), ("commune_chair", "commune"), UBND,
     ("auditor", "province"), "Quyết định 448/QĐ-KHVN (2015) của Hội Khuyến học Việt Nam"),
    ("DHHT", "commune", ("commune_officer", "commune"), ("commune_chair", "commune"), UBND,
     ("auditor", "province"), "Khung của Hội Khuyến học Việt Nam"),
    ("CDHT_THON", "village", ("village_head", "village"), ("commune_chair", "commune"), UBND,
     ("auditor", "province"), "Khung của Hội Khuyến học Việt Nam"),
    ("DVHT", "commune", ("commune_officer", "commune"), ("commune_chair", "commune"), UBND,
     ("auditor", "province"), "Khung của Hội Khuyến học Việt Nam (đơn vị cấp xã quản lý)"),
    ("CONGDAN", "village", ("village_officer", "village"), ("province_hkh", "province"), HKH,
     ("auditor", "province"), "Quyết định 244/QĐ-KHVN (2022) của Hội Khuyến học Việt Nam"),
]


def forwards(apps, schema_editor):
    TitleType = apps.get_model("criteria", "TitleType")
    RecognitionAuthority = apps.get_model("criteria", "RecognitionAuthority")
    # the commune Association's numbered proposal, for the titles whose decision cites one
    proposals = {"CONGDAN": ("commune_hkh", "commune", "TTr-HKH")}
    for code, level, proposer, decider, body, auditor, legal in AUTHORITIES:
        proposal = proposals.get(code, ("", "", ""))
        title = TitleType.objects.filter(code=code).first()
        if title is None or RecognitionAuthority.objects.filter(title_type=title, province=None).exists():
            continue
        RecognitionAuthority.objects.create(
            title_type=title, province=None, subject_level=level,
            proposer_role=proposer[0], proposer_level=proposer[1],
            proposal_role=proposal[0], proposal_level=proposal[1], proposal_suffix=proposal[2],
            decider_body=body[0], decider_role=decider[0], decider_level=decider[1],
            auditor_role=auditor[0], auditor_level=auditor[1],
            decision_suffix=body[1], signer_office=body[2], legal_reference=legal,
        )


class Migration(migrations.Migration):
    dependencies = [("criteria", "0007_recognition_authority"), ("registry", "0003_roles_of_the_study_promotion_association_and_province")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
