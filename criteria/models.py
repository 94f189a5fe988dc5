"""Title types, versioned criteria sets (criterion -> item -> evidence requirement), and plan targets."""

from decimal import Decimal, InvalidOperation

from django.conf import settings
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
    thresholds_are_sample = models.BooleanField(
        _("pass thresholds are sample values"),
        default=False,
        help_text=_(
            "The pass thresholds and the minimum share per criterion come from no published source; "
            "the province decides them when it adopts the set."
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
    share_of_title = models.ForeignKey(
        TitleType,
        verbose_name=_("computed: share of the subject's households holding the title"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "Leave blank for an item the assessor scores. Set, the item is computed from this system's cases "
            "of the year (e.g. the share of a clan's households recognised as “Gia đình học tập”) and scored "
            "by the bands; the assessor cannot type it."
        ),
    )
    bands = models.JSONField(
        _("score bands"),
        default=list,
        blank=True,
        help_text=_(
            'For a computed item: [{"from": 80, "points": 15}, {"from": 60, "points": 10}] — the points of '
            "the highest band whose lower bound (in %) the share reaches; below every band, 0 points."
        ),
    )
    is_sample_value = models.BooleanField(
        _("sample value"),
        default=False,
        help_text=_("The item or its points come from no published source: a sample the province reviews."),
    )

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

    @property
    def is_computed(self) -> bool:
        return self.share_of_title_id is not None

    def clean(self):
        super().clean()
        if self.share_of_title_id is None:
            return
        if not self.is_points:
            raise ValidationError({"share_of_title": _("A computed item needs maximum points to score.")})
        if not _valid_bands(self.bands, self.max_points):
            raise ValidationError(
                {
                    "bands": _(
                        'Give the bands as a list of {"from": percent 0–100, "points": 0 to the item\'s '
                        "maximum}, each lower bound different."
                    )
                }
            )

    def points_for_share(self, share):
        """The points of the highest band the share (in %) reaches; 0 below every band or with no share."""
        if share is None:
            return Decimal(0)
        reached = [Decimal(str(b["points"])) for b in self.bands if share >= Decimal(str(b["from"]))]
        return min(max(reached, default=Decimal(0)), self.max_points or Decimal(0))


def _valid_bands(bands, max_points) -> bool:
    if not isinstance(bands, list) or not bands:
        return False
    seen = set()
    for band in bands:
        if not isinstance(band, dict) or set(band) != {"from", "points"}:
            return False
        try:
            low, points = Decimal(str(band["from"])), Decimal(str(band["points"]))
        except (InvalidOperation, ValueError):
            return False
        if not (0 <= low <= 100 and 0 <= points <= (max_points or 0)) or low in seen:
            return False
        seen.add(low)
    return True


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


class CriteriaSetAdoption(models.Model):
    """A province's decision to score a year's cases against a criteria set (e.g. "187/QĐ-UBND").

    Written only by criteria.services.adopt_criteria_set; scoring refuses a set without one."""

    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("criteria set"), on_delete=models.PROTECT, related_name="adoptions"
    )
    province = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="criteria_adoptions",
        limit_choices_to={"level": UnitLevel.PROVINCE},
    )
    year = models.PositiveSmallIntegerField(_("assessment year"))
    decision_reference = models.CharField(_("province decision number"), max_length=60)
    decision_date = models.DateField(_("province decision date"))
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("adopted by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    adopted_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("criteria set adoption")
        verbose_name_plural = _("criteria set adoptions")
        ordering = ["-year", "province", "criteria_set"]
        constraints = [
            models.UniqueConstraint(
                fields=["criteria_set", "province", "year"], name="criteria_adoption_set_province_year_uniq"
            )
        ]

    def __str__(self):
        return f"{self.criteria_set} · {self.province} · {self.year} ({self.decision_reference})"


class Population(models.TextChoices):
    """What a target is a share of (the coverage report's denominator)."""

    HOUSEHOLDS = "households", _("households")
    CLANS = "clans", _("clans")
    COMMUNITIES = "communities", _("villages and residential groups")
    ORGANISATIONS = "organisations", _("units (agencies, schools, enterprises)")
    CITIZENS = "citizens", _("citizens registered in the system")
    ADULTS = "adults", _("adults in families and communities")
    OFFICIALS = "officials", _("officials and employees of units")


# The populations a title's recognitions can be a share of, by the title's subject kind; the first is the
# one the coverage report uses when no target names one.
POPULATIONS_OF_KIND = {
    SubjectKind.HOUSEHOLD: (Population.HOUSEHOLDS,),
    SubjectKind.CLAN: (Population.CLANS,),
    SubjectKind.COMMUNITY: (Population.COMMUNITIES,),
    SubjectKind.ORGANISATION: (Population.ORGANISATIONS,),
    SubjectKind.PERSON: (Population.CITIZENS, Population.ADULTS, Population.OFFICIALS),
}


def default_population(subject_kind: str) -> str:
    return POPULATIONS_OF_KIND.get(subject_kind, ("",))[0]


class PlanTarget(models.Model):
    """A coverage target: share of a population recognised, per jurisdiction, title, period and area class."""

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
    population = models.CharField(
        _("share of"),
        max_length=15,
        choices=Population.choices,
        default="",
        help_text=_(
            "What the target is a share of: the coverage report divides the recognised by this population, "
            "counted from the registry or taken from the figure a commune entered for the year."
        ),
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

    def clean(self):
        super().clean()
        if self.population and self.title_type_id:
            allowed = POPULATIONS_OF_KIND.get(self.title_type.subject_kind)
            if allowed and self.population not in allowed:
                raise ValidationError(
                    {
                        "population": _("A target for “%(title)s” is a share of %(allowed)s.")
                        % {
                            "title": self.title_type.name,
                            "allowed": ", ".join(str(Population(p).label) for p in allowed),
                        }
                    }
                )


class PopulationFigure(models.Model):
    """A population a unit enters for a year where the registry is incomplete (e.g. the commune's adults);
    the coverage report uses it instead of counting the registry under that unit, and says so."""

    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("locality"),
        on_delete=models.PROTECT,
        related_name="population_figures",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    population = models.CharField(_("population"), max_length=15, choices=Population.choices)
    count = models.PositiveIntegerField(_("number"))
    source = models.CharField(_("source of the figure"), max_length=255, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now=True)

    class Meta:
        verbose_name = _("population figure")
        verbose_name_plural = _("population figures")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "population"], name="criteria_population_figure_uniq"
            )
        ]

    def __str__(self):
        return f"{self.unit} · {self.year} · {self.get_population_display()}: {self.count}"


from .authority import RecognitionAuthority  # noqa: E402,F401  (its own module: the authority of each title)
