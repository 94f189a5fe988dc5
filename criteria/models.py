"""Title types, versioned criteria sets (criterion -> item -> evidence requirement), and plan targets."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registry.models import AdministrativeUnit, AreaClass, SubjectKind, UnitLevel


class ScoringMode(models.TextChoices):
    POINTS = "points", _("Points")
    PASS_FAIL = "pass_fail", _("Pass/fail per indicator, with levels")


class TitleType(models.Model):
    code = models.CharField(_("title code"), max_length=20, unique=True)
    name = models.CharField(_("title name"), max_length=120)
    subject_kind = models.CharField(_("subject kind"), max_length=15, choices=SubjectKind.choices)
    case_unit_level = models.CharField(
        _("case unit level"),
        max_length=10,
        choices=UnitLevel.choices,
        default=UnitLevel.VILLAGE,
        help_text=_(
            "Whether cases belong to a village (households, village communities) "
            "or a commune (clans, organisations)."
        ),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("title")
        verbose_name_plural = _("titles")
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
    title_type = models.ForeignKey(
        TitleType, verbose_name=_("title"), on_delete=models.PROTECT, related_name="criteria_sets"
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    name = models.CharField(_("criteria set name"), max_length=200)
    legal_reference = models.CharField(_("legal basis"), max_length=255, blank=True)
    province = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("specific to province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        limit_choices_to={"level": UnitLevel.PROVINCE},
    )
    valid_from = models.DateField(_("applies from"))
    valid_to = models.DateField(_("applies until"), null=True, blank=True)
    scoring_mode = models.CharField(_("scoring mode"), max_length=10, choices=ScoringMode.choices)
    threshold_urban = models.DecimalField(
        _("pass threshold — urban"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    threshold_ordinary = models.DecimalField(
        _("pass threshold — rural"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    threshold_mountain = models.DecimalField(
        _("pass threshold — mountainous, disadvantaged"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
    )
    min_criterion_share = models.DecimalField(
        _("minimum share of points per criterion (%)"),
        max_digits=5,
        decimal_places=2,
        default=50,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    is_sample = models.BooleanField(
        _("sample set, to be adapted locally"),
        default=False,
        help_text=_(
            "A sample criteria set shipped with the system; localities review and adjust it before use."
        ),
    )
    derived_from = models.ForeignKey(
        "self",
        verbose_name=_("previous version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revisions",
    )

    objects = CriteriaSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("criteria set")
        verbose_name_plural = _("criteria sets")
        constraints = [
            # two partial constraints rather than nulls_distinct=False, which SQLite cannot enforce
            models.UniqueConstraint(
                fields=["title_type", "province", "version"],
                condition=Q(province__isnull=False),
                name="criteria_set_province_version_uniq",
            ),
            models.UniqueConstraint(
                fields=["title_type", "version"],
                condition=Q(province__isnull=True),
                name="criteria_set_national_version_uniq",
            ),
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
                _("This criteria set is already used by cases; create a new version to edit it.")
            )


class Criterion(models.Model):
    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("criteria set"), on_delete=models.CASCADE, related_name="criteria"
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("criterion name"), max_length=255)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    max_points = models.DecimalField(
        _("maximum points"), max_digits=6, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="criteria_criterion_code_uniq")
        ]

    def __str__(self):
        return f"{self.code}. {self.name}"

    def save(self, *args, **kwargs):
        self.criteria_set.ensure_editable()
        super().save(*args, **kwargs)


class CriterionItem(models.Model):
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.CASCADE, related_name="items"
    )
    code = models.CharField(_("code"), max_length=20)
    text = models.TextField(_("text"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    max_points = models.DecimalField(
        _("maximum points"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Leave blank for pass/fail indicators."),
        validators=[MinValueValidator(0)],
    )
    level = models.PositiveSmallIntegerField(
        _("indicator level"), null=True, blank=True, help_text=_("For pass/fail indicators: level 1 or 2.")
    )
    required = models.BooleanField(_("must be scored"), default=True)

    class Meta:
        verbose_name = _("criterion item")
        verbose_name_plural = _("criterion items")
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["criterion", "code"], name="criteria_item_code_uniq")]

    def __str__(self):
        return f"{self.code}. {self.text[:60]}"

    def save(self, *args, **kwargs):
        self.criterion.criteria_set.ensure_editable()
        super().save(*args, **kwargs)

    @property
    def is_points(self) -> bool:
        return self.max_points is not None


class EvidenceRequirement(models.Model):
    item = models.ForeignKey(
        CriterionItem,
        verbose_name=_("criterion item"),
        on_delete=models.CASCADE,
        related_name="evidence_requirements",
    )
    description = models.CharField(_("required evidence"), max_length=255)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("evidence requirement")
        verbose_name_plural = _("evidence requirements")

    def __str__(self):
        return self.description

    def save(self, *args, **kwargs):
        self.item.criterion.criteria_set.ensure_editable()
        super().save(*args, **kwargs)


class PlanTarget(models.Model):
    """A coverage target: share of subjects recognised, per jurisdiction, title, period and area class."""

    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("locality"), on_delete=models.PROTECT, related_name="targets"
    )
    title_type = models.ForeignKey(TitleType, verbose_name=_("title"), on_delete=models.PROTECT)
    year_from = models.PositiveSmallIntegerField(_("from year"))
    year_to = models.PositiveSmallIntegerField(_("to year"))
    area_class = models.CharField(_("area class"), max_length=10, choices=AreaClass.choices, blank=True)
    target_percent = models.DecimalField(
        _("target (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    source = models.CharField(_("target-setting document"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("plan target")
        verbose_name_plural = _("plan targets")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "title_type", "year_from", "year_to", "area_class"],
                name="criteria_target_uniq",
            ),
            models.CheckConstraint(
                condition=Q(year_to__gte=models.F("year_from")), name="criteria_target_years"
            ),
        ]

    def __str__(self):
        return f"{self.title_type} · {self.unit} · {self.year_from}–{self.year_to}: {self.target_percent}%"


from .authority import RecognitionAuthority  # noqa: E402,F401  (its own module: the authority of each title)
