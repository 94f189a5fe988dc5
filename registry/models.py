"""The administrative unit tree, the subjects that can be recognised, and staff roles on units."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .text import fold


class AreaClass(models.TextChoices):
    URBAN = "urban", _("Thành thị")
    ORDINARY = "ordinary", _("Nông thôn")
    MOUNTAIN = "mountain", _("Miền núi, vùng khó khăn")


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Tỉnh/Thành phố")
    DISTRICT = "district", _("Quận/Huyện (trước 01/7/2025)")
    COMMUNE = "commune", _("Xã/Phường/Đặc khu")
    VILLAGE = "village", _("Thôn/Bản/Ấp/Tổ dân phố")


LEVEL_DEPTH = {UnitLevel.PROVINCE: 0, UnitLevel.DISTRICT: 1, UnitLevel.COMMUNE: 2, UnitLevel.VILLAGE: 3}
ALLOWED_PARENT = {
    UnitLevel.PROVINCE: (),
    UnitLevel.DISTRICT: (UnitLevel.PROVINCE,),
    UnitLevel.COMMUNE: (UnitLevel.PROVINCE, UnitLevel.DISTRICT),
    UnitLevel.VILLAGE: (UnitLevel.COMMUNE,),
}


class AdministrativeUnit(models.Model):
    code = models.CharField(_("mã đơn vị"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    level = models.CharField(_("cấp"), max_length=10, choices=UnitLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("đơn vị cấp trên"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    # "/24/24-07627/24-07627-01/": a unit's subtree is every unit whose path starts with its path.
    path = models.CharField(_("đường dẫn"), max_length=255, unique=True, editable=False)
    area_class = models.CharField(_("khu vực"), max_length=10, choices=AreaClass.choices, default=AreaClass.ORDINARY)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["path"]
        indexes = [
            models.Index(fields=["path"], name="registry_unit_path_like_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["level", "parent"], name="registry_unit_level_idx"),
        ]
        permissions = [
            ("nominate_case", _("Lập hồ sơ đề nghị")),
            ("collect_evidence", _("Thu thập minh chứng")),
            ("score_case", _("Chấm điểm")),
            ("review_case", _("Họp xét tại thôn")),
            ("decide_case", _("Quyết định công nhận")),
            ("audit_case", _("Hậu kiểm")),
            ("supervise_unit", _("Giám sát địa bàn")),
            ("inspect_unit", _("Thanh tra nhật ký")),
        ]

    def __str__(self):
        return self.name

    def compute_path(self) -> str:
        prefix = self.parent.path if self.parent_id else "/"
        return f"{prefix}{self.code}/"

    def save(self, *args, **kwargs):
        self.path = self.compute_path()
        super().save(*args, **kwargs)

    def ancestors(self):
        """This unit's ancestors, nearest first (one query)."""
        codes = [c for c in self.path.strip("/").split("/")[:-1]]
        by_code = {u.code: u for u in AdministrativeUnit.objects.filter(code__in=codes)}
        return [by_code[c] for c in reversed(codes) if c in by_code]

    def audit_unit(self):
        """Who audits a commune's decisions: the nearest ancestor above the commune level (district or province)."""
        commune = self if self.level == UnitLevel.COMMUNE else next(
            (u for u in self.ancestors() if u.level == UnitLevel.COMMUNE), None
        )
        if commune is None:
            return None
        return next((u for u in commune.ancestors() if u.level in (UnitLevel.DISTRICT, UnitLevel.PROVINCE)), None)


class UnitSuccession(models.Model):
    """Old unit -> new unit (the 2025 reform, later village mergers) for year-on-year reporting."""

    old_unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("đơn vị cũ"), on_delete=models.PROTECT, related_name="successions"
    )
    new_unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("đơn vị mới"), on_delete=models.PROTECT, related_name="predecessions"
    )
    effective_date = models.DateField(_("ngày hiệu lực"))
    share = models.DecimalField(_("tỷ lệ chuyển sang"), max_digits=5, decimal_places=2, default=100)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("sắp xếp đơn vị (cũ → mới)")
        verbose_name_plural = _("sắp xếp đơn vị (cũ → mới)")
        constraints = [
            models.UniqueConstraint(fields=["old_unit", "new_unit"], name="registry_succession_uniq"),
            models.CheckConstraint(condition=~Q(old_unit=models.F("new_unit")), name="registry_succession_not_self"),
        ]

    def __str__(self):
        return f"{self.old_unit} → {self.new_unit}"


class SubjectKind(models.TextChoices):
    HOUSEHOLD = "household", _("Hộ gia đình")
    CLAN = "clan", _("Dòng họ")
    COMMUNITY = "community", _("Cộng đồng (thôn, tổ dân phố)")
    ORGANISATION = "organisation", _("Cơ quan, đơn vị")
    PERSON = "person", _("Công dân")


class Subject(models.Model):
    """Anything that can hold a title; the kind-specific details live in the child tables."""

    kind = models.CharField(_("loại đối tượng"), max_length=15, choices=SubjectKind.choices, editable=False)
    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    name_folded = models.CharField(max_length=200, editable=False, db_index=True)
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("địa bàn"), on_delete=models.PROTECT, related_name="subjects"
    )
    area_class = models.CharField(_("khu vực"), max_length=10, choices=AreaClass.choices, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)

    KIND = ""

    class Meta:
        verbose_name = _("đối tượng")
        verbose_name_plural = _("đối tượng")
        indexes = [models.Index(fields=["unit", "kind"], name="registry_subject_unit_kind_idx")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self.KIND:
            self.kind = self.KIND
        self.name_folded = fold(self.name)[:200]
        if not self.area_class and self.unit_id:
            self.area_class = self.unit.area_class
        super().save(*args, **kwargs)


class Household(Subject):
    KIND = SubjectKind.HOUSEHOLD
    head_name = models.CharField(_("chủ hộ"), max_length=120)

    class Meta:
        verbose_name = _("hộ gia đình")
        verbose_name_plural = _("hộ gia đình")


class HouseholdMember(models.Model):
    class Relation(models.TextChoices):
        HEAD = "head", _("Chủ hộ")
        SPOUSE = "spouse", _("Vợ/Chồng")
        CHILD = "child", _("Con")
        PARENT = "parent", _("Bố/Mẹ")
        GRANDCHILD = "grandchild", _("Cháu")
        OTHER = "other", _("Khác")

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    full_name = models.CharField(_("họ và tên"), max_length=120)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"))
    relation = models.CharField(_("quan hệ với chủ hộ"), max_length=12, choices=Relation.choices)

    class Meta:
        verbose_name = _("thành viên hộ")
        verbose_name_plural = _("thành viên hộ")
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_year__gte=1900) & Q(birth_year__lte=2100), name="registry_member_birth_year_range"
            )
        ]

    def __str__(self):
        return self.full_name


class Clan(Subject):
    KIND = SubjectKind.CLAN
    representative = models.CharField(_("trưởng ban khuyến học dòng họ"), max_length=120, blank=True)
    households = models.ManyToManyField(Household, verbose_name=_("các hộ thành viên"), blank=True,
                                        related_name="clans")

    class Meta:
        verbose_name = _("dòng họ")
        verbose_name_plural = _("dòng họ")


class Community(Subject):
    """A village or residential group assessed as a learning community; its unit is the village itself."""

    KIND = SubjectKind.COMMUNITY

    class Meta:
        verbose_name = _("cộng đồng")
        verbose_name_plural = _("cộng đồng")


class Organisation(Subject):
    KIND = SubjectKind.ORGANISATION

    class OrgType(models.TextChoices):
        AGENCY = "agency", _("Cơ quan")
        SCHOOL = "school", _("Trường học")
        ENTERPRISE = "enterprise", _("Doanh nghiệp")
        COOPERATIVE = "cooperative", _("Hợp tác xã")
        OTHER = "other", _("Khác")

    org_type = models.CharField(_("loại hình"), max_length=12, choices=OrgType.choices)
    member_count = models.PositiveIntegerField(_("số người lao động/thành viên"), default=0)

    class Meta:
        verbose_name = _("cơ quan, đơn vị")
        verbose_name_plural = _("cơ quan, đơn vị")


class Person(Subject):
    KIND = SubjectKind.PERSON
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"))
    member_of = models.ForeignKey(Household, verbose_name=_("thuộc hộ gia đình"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="citizens")

    class Meta:
        verbose_name = _("công dân")
        verbose_name_plural = _("công dân")


class Role(models.TextChoices):
    VILLAGE_OFFICER = "village_officer", _("Cán bộ chi hội khuyến học")
    ASSESSOR = "assessor", _("Người chấm điểm")
    VILLAGE_HEAD = "village_head", _("Trưởng thôn/Tổ trưởng")
    COMMUNE_OFFICER = "commune_officer", _("Cán bộ xã")
    COMMUNE_CHAIR = "commune_chair", _("Chủ tịch UBND xã")
    AUDITOR = "auditor", _("Cán bộ hậu kiểm")
    SUPERVISOR = "supervisor", _("Giám sát")
    INSPECTOR = "inspector", _("Thanh tra")
    ADMINISTRATOR = "administrator", _("Quản trị")


# The unit levels each role may be assigned on.
ROLE_LEVELS = {
    Role.VILLAGE_OFFICER: (UnitLevel.VILLAGE,),
    Role.ASSESSOR: (UnitLevel.VILLAGE, UnitLevel.COMMUNE),
    Role.VILLAGE_HEAD: (UnitLevel.VILLAGE,),
    Role.COMMUNE_OFFICER: (UnitLevel.COMMUNE,),
    Role.COMMUNE_CHAIR: (UnitLevel.COMMUNE,),
    Role.AUDITOR: (UnitLevel.DISTRICT, UnitLevel.PROVINCE),
    Role.SUPERVISOR: tuple(UnitLevel),
    Role.INSPECTOR: tuple(UnitLevel),
    Role.ADMINISTRATOR: (UnitLevel.PROVINCE,),
}

# The guardian permissions (on AdministrativeUnit) each role's per-unit group holds.
ROLE_PERMISSIONS = {
    Role.VILLAGE_OFFICER: ("nominate_case", "collect_evidence"),
    Role.ASSESSOR: ("score_case",),
    Role.VILLAGE_HEAD: ("review_case",),
    Role.COMMUNE_OFFICER: ("nominate_case", "collect_evidence", "supervise_unit"),
    Role.COMMUNE_CHAIR: ("decide_case",),
    Role.AUDITOR: ("audit_case",),
    Role.SUPERVISOR: ("supervise_unit",),
    Role.INSPECTOR: ("inspect_unit",),
    Role.ADMINISTRATOR: ("supervise_unit", "inspect_unit"),
}


class RoleAssignmentQuerySet(models.QuerySet):
    def active(self, on=None):
        from django.utils import timezone

        day = on or timezone.localdate()
        return self.filter(Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gte=day))


class RoleAssignment(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người dùng"), on_delete=models.CASCADE,
                             related_name="role_assignments")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(AdministrativeUnit, verbose_name=_("đơn vị"), on_delete=models.PROTECT,
                             related_name="role_assignments")
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("phân công vai trò")
        verbose_name_plural = _("phân công vai trò")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit", "valid_from"], name="registry_role_assignment_uniq"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="registry_role_assignment_dates",
            ),
        ]
        indexes = [models.Index(fields=["user", "valid_from"], name="registry_role_user_idx")]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.unit}"
