"""Title types, versioned criteria sets (criterion -> item -> evidence requirement), and plan targets."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registry.models import AdministrativeUnit, AreaClass, SubjectKind, UnitLevel


class ScoringMode(models.TextChoices):
    POINTS = "points", _("Chấm điểm")
    PASS_FAIL = "pass_fail", _("Đạt/Không đạt theo chỉ tiêu, có mức độ")


class TitleType(models.Model):
    code = models.CharField(_("mã danh hiệu"), max_length=20, unique=True)
    name = models.CharField(_("tên danh hiệu"), max_length=120)
    subject_kind = models.CharField(_("loại đối tượng"), max_length=15, choices=SubjectKind.choices)
    case_unit_level = models.CharField(
        _("cấp địa bàn của hồ sơ"), max_length=10, choices=UnitLevel.choices, default=UnitLevel.VILLAGE,
        help_text=_("Hồ sơ thuộc thôn (hộ, cộng đồng thôn) hay xã (dòng họ, đơn vị)."),
    )
    active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("danh hiệu")
        verbose_name_plural = _("danh hiệu")
        ordering = ["code"]

    def __str__(self):
        return self.name


class CriteriaSetQuerySet(models.QuerySet):
    def in_force(self, on, *, province=None):
        qs = self.filter(Q(valid_from__lte=on), Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        if province is not None:
            local = qs.filter(province=province)
            if local.exists():
                return local
        return qs.filter(province__isnull=True)


class CriteriaSet(models.Model):
    title_type = models.ForeignKey(TitleType, verbose_name=_("danh hiệu"), on_delete=models.PROTECT,
                                   related_name="criteria_sets")
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    name = models.CharField(_("tên bộ tiêu chí"), max_length=200)
    legal_reference = models.CharField(_("căn cứ pháp lý"), max_length=255, blank=True)
    province = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("áp dụng riêng cho tỉnh"), null=True, blank=True,
        on_delete=models.PROTECT, limit_choices_to={"level": UnitLevel.PROVINCE},
    )
    valid_from = models.DateField(_("áp dụng từ"))
    valid_to = models.DateField(_("áp dụng đến"), null=True, blank=True)
    scoring_mode = models.CharField(_("cách đánh giá"), max_length=10, choices=ScoringMode.choices)
    threshold_urban = models.DecimalField(_("ngưỡng đạt — thành thị"), max_digits=6, decimal_places=2, null=True,
                                          blank=True)
    threshold_ordinary = models.DecimalField(_("ngưỡng đạt — nông thôn"), max_digits=6, decimal_places=2,
                                             null=True, blank=True)
    threshold_mountain = models.DecimalField(_("ngưỡng đạt — miền núi, khó khăn"), max_digits=6,
                                             decimal_places=2, null=True, blank=True)
    min_criterion_share = models.DecimalField(
        _("tỷ lệ điểm tối thiểu mỗi tiêu chí (%)"), max_digits=5, decimal_places=2, default=50,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    is_sample = models.BooleanField(
        _("bộ mẫu, cần địa phương hiệu chỉnh"), default=False,
        help_text=_("Bộ tiêu chí mẫu do hệ thống cung cấp; địa phương rà soát và chỉnh sửa trước khi dùng."),
    )
    derived_from = models.ForeignKey("self", verbose_name=_("phiên bản trước"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="revisions")

    objects = CriteriaSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("bộ tiêu chí")
        verbose_name_plural = _("bộ tiêu chí")
        constraints = [
            models.UniqueConstraint(fields=["title_type", "province", "version"],
                                    name="criteria_set_version_uniq", nulls_distinct=False),
        ]

    def __str__(self):
        return f"{self.name} (v{self.version})"

    def threshold_for(self, area_class: str):
        return {
            AreaClass.URBAN: self.threshold_urban,
            AreaClass.MOUNTAIN: self.threshold_mountain,
        }.get(area_class, self.threshold_ordinary)

    @property
    def is_in_use(self) -> bool:
        return self.cases.exists()

    def ensure_editable(self):
        if self.pk and self.is_in_use:
            raise ValidationError(
                _("Bộ tiêu chí này đã được dùng cho hồ sơ; hãy tạo phiên bản mới để chỉnh sửa.")
            )


class Criterion(models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, verbose_name=_("bộ tiêu chí"), on_delete=models.CASCADE,
                                     related_name="criteria")
    code = models.CharField(_("mã"), max_length=20)
    name = models.CharField(_("tên tiêu chí"), max_length=255)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    max_points = models.DecimalField(_("điểm tối đa"), max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["criteria_set", "code"], name="criteria_criterion_code_uniq")]

    def __str__(self):
        return f"{self.code}. {self.name}"

    def save(self, *args, **kwargs):
        self.criteria_set.ensure_editable()
        super().save(*args, **kwargs)


class CriterionItem(models.Model):
    criterion = models.ForeignKey(Criterion, verbose_name=_("tiêu chí"), on_delete=models.CASCADE,
                                  related_name="items")
    code = models.CharField(_("mã"), max_length=20)
    text = models.TextField(_("nội dung"))
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    max_points = models.DecimalField(
        _("điểm tối đa"), max_digits=6, decimal_places=2, null=True, blank=True,
        help_text=_("Để trống với chỉ tiêu đánh giá Đạt/Không đạt."),
        validators=[MinValueValidator(0)],
    )
    level = models.PositiveSmallIntegerField(
        _("mức độ"), null=True, blank=True, help_text=_("Với chỉ tiêu Đạt/Không đạt: mức độ 1 hoặc 2.")
    )
    required = models.BooleanField(_("bắt buộc chấm"), default=True)

    class Meta:
        verbose_name = _("nội dung tiêu chí")
        verbose_name_plural = _("nội dung tiêu chí")
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["criterion", "code"], name="criteria_item_code_uniq")]

    def __str__(self):
        return f"{self.code}. {self.text[:60]}"

    @property
    def is_points(self) -> bool:
        return self.max_points is not None

    def save(self, *args, **kwargs):
        self.criterion.criteria_set.ensure_editable()
        super().save(*args, **kwargs)


class EvidenceRequirement(models.Model):
    item = models.ForeignKey(CriterionItem, verbose_name=_("nội dung tiêu chí"), on_delete=models.CASCADE,
                             related_name="evidence_requirements")
    description = models.CharField(_("minh chứng cần có"), max_length=255)
    required = models.BooleanField(_("bắt buộc"), default=True)

    class Meta:
        verbose_name = _("yêu cầu minh chứng")
        verbose_name_plural = _("yêu cầu minh chứng")

    def __str__(self):
        return self.description

    def save(self, *args, **kwargs):
        self.item.criterion.criteria_set.ensure_editable()
        super().save(*args, **kwargs)


class PlanTarget(models.Model):
    """A coverage target: share of subjects recognised, per jurisdiction, title, period and area class."""

    unit = models.ForeignKey(AdministrativeUnit, verbose_name=_("địa bàn"), on_delete=models.PROTECT,
                             related_name="targets")
    title_type = models.ForeignKey(TitleType, verbose_name=_("danh hiệu"), on_delete=models.PROTECT)
    year_from = models.PositiveSmallIntegerField(_("từ năm"))
    year_to = models.PositiveSmallIntegerField(_("đến năm"))
    area_class = models.CharField(_("khu vực"), max_length=10, choices=AreaClass.choices, blank=True)
    target_percent = models.DecimalField(_("chỉ tiêu (%)"), max_digits=5, decimal_places=2,
                                         validators=[MinValueValidator(0), MaxValueValidator(100)])
    source = models.CharField(_("văn bản giao chỉ tiêu"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("chỉ tiêu kế hoạch")
        verbose_name_plural = _("chỉ tiêu kế hoạch")
        constraints = [
            models.UniqueConstraint(fields=["unit", "title_type", "year_from", "year_to", "area_class"],
                                    name="criteria_target_uniq"),
            models.CheckConstraint(condition=Q(year_to__gte=models.F("year_from")), name="criteria_target_years"),
        ]

    def __str__(self):
        return f"{self.title_type} · {self.unit} · {self.year_from}–{self.year_to}: {self.target_percent}%"
