"""The administrative unit tree, the subjects that can be recognised, and staff roles on units."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .text import fold


class AreaClass(models.TextChoices):
    URBAN = "urban", _("Urban")
    ORDINARY = "ordinary", _("Rural")
    MOUNTAIN = "mountain", _("Mountainous or disadvantaged")


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Province/City")
    DISTRICT = "district", _("District (before 1 July 2025)")
    COMMUNE = "commune", _("Commune/Ward/Special zone")
    VILLAGE = "village", _("Village/Hamlet/Residential group")


LEVEL_DEPTH = {UnitLevel.PROVINCE: 0, UnitLevel.DISTRICT: 1, UnitLevel.COMMUNE: 2, UnitLevel.VILLAGE: 3}
ALLOWED_PARENT = {
    UnitLevel.PROVINCE: (),
    UnitLevel.DISTRICT: (UnitLevel.PROVINCE,),
    UnitLevel.COMMUNE: (UnitLevel.PROVINCE, UnitLevel.DISTRICT),
    UnitLevel.VILLAGE: (UnitLevel.COMMUNE,),
}


class AdministrativeUnit(models.Model):
    code = models.CharField(_("unit code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=UnitLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # "/24/24-07627/24-07627-01/": a unit's subtree is every unit whose path starts with its path.
    path = models.CharField(_("path"), max_length=255, unique=True, editable=False)
    area_class = models.CharField(
        _("area class"), max_length=10, choices=AreaClass.choices, default=AreaClass.ORDINARY
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["path"]
        indexes = [
            models.Index(
                fields=["path"], name="registry_unit_path_like_idx", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["level", "parent"], name="registry_unit_level_idx"),
        ]
        permissions = [
            ("nominate_case", _("Can nominate cases")),
            ("collect_evidence", _("Can collect evidence")),
            ("score_case", _("Can score cases")),
            ("review_case", _("Can review cases in the village meeting")),
            ("propose_case", _("Can compile the numbered recognition proposal")),
            ("decide_case", _("Can decide on recognition")),
            ("audit_case", _("Can audit decisions")),
            ("supervise_unit", _("Can supervise the area")),
            ("inspect_unit", _("Can inspect the audit log")),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.path = self.compute_path()
        super().save(*args, **kwargs)

    def compute_path(self) -> str:
        prefix = self.parent.path if self.parent_id else "/"
        return f"{prefix}{self.code}/"

    def ancestors(self):
        """This unit's ancestors, nearest first (one query)."""
        codes = [c for c in self.path.strip("/").split("/")[:-1]]
        by_code = {u.code: u for u in AdministrativeUnit.objects.filter(code__in=codes)}
        return [by_code[c] for c in reversed(codes) if c in by_code]

    def audit_unit(self):
        """Who audits a commune's decisions: the nearest ancestor above the commune (district or province).

        One query: the ancestors of a village include its commune and everything above it."""
        ancestors = self.ancestors()
        if self.level != UnitLevel.COMMUNE:
            at = next((i for i, u in enumerate(ancestors) if u.level == UnitLevel.COMMUNE), None)
            if at is None:
                return None
            ancestors = ancestors[at + 1 :]
        return next((u for u in ancestors if u.level in (UnitLevel.DISTRICT, UnitLevel.PROVINCE)), None)


class UnitSuccession(models.Model):
    """Old unit -> new unit (the 2025 reform, later village mergers) for year-on-year reporting."""

    old_unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("old unit"), on_delete=models.PROTECT, related_name="successions"
    )
    new_unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("new unit"), on_delete=models.PROTECT, related_name="predecessions"
    )
    effective_date = models.DateField(_("effective date"))
    share = models.DecimalField(_("share transferred"), max_digits=5, decimal_places=2, default=100)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("unit reorganisation (old → new)")
        verbose_name_plural = _("unit reorganisations (old → new)")
        constraints = [
            models.UniqueConstraint(fields=["old_unit", "new_unit"], name="registry_succession_uniq"),
            models.CheckConstraint(
                condition=~Q(old_unit=models.F("new_unit")), name="registry_succession_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.old_unit} → {self.new_unit}"


class SubjectKind(models.TextChoices):
    HOUSEHOLD = "household", _("Household")
    CLAN = "clan", _("Clan")
    COMMUNITY = "community", _("Community (village, residential group)")
    ORGANISATION = "organisation", _("Organisation")
    PERSON = "person", _("Citizen")


class Subject(models.Model):
    """Anything that can hold a title; the kind-specific details live in the child tables."""

    kind = models.CharField(_("subject kind"), max_length=15, choices=SubjectKind.choices, editable=False)
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_folded = models.CharField(max_length=200, editable=False, db_index=True)
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("locality"), on_delete=models.PROTECT, related_name="subjects"
    )
    area_class = models.CharField(_("area class"), max_length=10, choices=AreaClass.choices, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)

    KIND = ""

    class Meta:
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")
        indexes = [models.Index(fields=["unit", "kind"], name="registry_subject_unit_kind_idx")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.fill_derived()
        super().save(*args, **kwargs)

    def fill_derived(self) -> None:
        """The fields the registry derives (also for subjects written in bulk, which skip save()): the kind,
        the folded name for searching, and by default the area class of the subject's unit."""
        if self.KIND:
            self.kind = self.KIND
        self.name_folded = fold(self.name)[:200]
        if not self.area_class and self.unit_id:
            self.area_class = self.unit.area_class


class Household(Subject):
    KIND = SubjectKind.HOUSEHOLD
    head_name = models.CharField(_("head of household"), max_length=120)
    # What the household gives to follow its case from outside the office ("Where is my case?"): a phone
    # number and only the last four digits of the head's citizen ID, never the whole ID (Decree 13/2023).
    # (a default in the database too: the bulk writers insert only the columns they know)
    phone = models.CharField(_("phone number"), max_length=11, blank=True, default="", db_default="")
    head_id_last4 = models.CharField(
        _("last four digits of the head's citizen ID"), max_length=4, blank=True, default="", db_default=""
    )
    # the household asked for no text messages about its cases (it can still look them up)
    texts_opt_out = models.BooleanField(_("no text messages"), default=False, db_default=False)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")


class HouseholdMember(models.Model):
    class Relation(models.TextChoices):
        HEAD = "head", _("Head of household")
        SPOUSE = "spouse", _("Spouse")
        CHILD = "child", _("Child")
        PARENT = "parent", _("Parent")
        GRANDCHILD = "grandchild", _("Grandchild")
        OTHER = "other", _("Other")

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    full_name = models.CharField(_("full name"), max_length=120)
    birth_year = models.PositiveSmallIntegerField(_("birth year"))
    relation = models.CharField(
        _("relationship to head of household"), max_length=12, choices=Relation.choices
    )

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_year__gte=1900) & Q(birth_year__lte=2100),
                name="registry_member_birth_year_range",
            )
        ]

    def __str__(self):
        return self.full_name


class Clan(Subject):
    KIND = SubjectKind.CLAN
    representative = models.CharField(
        _("head of the clan's study-promotion board"), max_length=120, blank=True
    )
    households = models.ManyToManyField(
        Household, verbose_name=_("member households"), blank=True, related_name="clans"
    )

    class Meta:
        verbose_name = _("clan")
        verbose_name_plural = _("clans")


class Community(Subject):
    """A village or residential group assessed as a learning community; its unit is the village itself."""

    KIND = SubjectKind.COMMUNITY

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")


class Organisation(Subject):
    KIND = SubjectKind.ORGANISATION

    class OrgType(models.TextChoices):
        AGENCY = "agency", _("Agency")
        SCHOOL = "school", _("School")
        ENTERPRISE = "enterprise", _("Enterprise")
        COOPERATIVE = "cooperative", _("Cooperative")
        OTHER = "other", _("Other")

    org_type = models.CharField(_("organisation type"), max_length=12, choices=OrgType.choices)
    member_count = models.PositiveIntegerField(_("number of employees/members"), default=0)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")


class Person(Subject):
    KIND = SubjectKind.PERSON
    birth_year = models.PositiveSmallIntegerField(_("birth year"))
    member_of = models.ForeignKey(
        Household,
        verbose_name=_("member of household"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="citizens",
    )

    class Meta:
        verbose_name = _("citizen")
        verbose_name_plural = _("citizens")


class Role(models.TextChoices):
    VILLAGE_OFFICER = "village_officer", _("Study-promotion branch officer")
    ASSESSOR = "assessor", _("Assessor")
    VILLAGE_HEAD = "village_head", _("Village head/Group leader")
    COMMUNE_OFFICER = "commune_officer", _("Commune officer")
    COMMUNE_CHAIR = "commune_chair", _("Commune People's Committee chair")
    COMMUNE_HKH = "commune_hkh", _("Commune Study Promotion Association")
    PROVINCE_HKH = "province_hkh", _("Province Study Promotion Association")
    EDUCATION_DEPT = "education_dept", _("Department of Education and Training")
    PROVINCE_CHAIR = "province_chair", _("Province People's Committee chair")
    AUDITOR = "auditor", _("Auditor")
    SUPERVISOR = "supervisor", _("Supervisor")
    INSPECTOR = "inspector", _("Inspector")
    ADMINISTRATOR = "administrator", _("Administrator")


# The unit levels each role may be assigned on.
ROLE_LEVELS = {
    Role.VILLAGE_OFFICER: (UnitLevel.VILLAGE,),
    Role.ASSESSOR: (UnitLevel.VILLAGE, UnitLevel.COMMUNE),
    Role.VILLAGE_HEAD: (UnitLevel.VILLAGE,),
    Role.COMMUNE_OFFICER: (UnitLevel.COMMUNE,),
    Role.COMMUNE_CHAIR: (UnitLevel.COMMUNE,),
    Role.COMMUNE_HKH: (UnitLevel.COMMUNE,),
    Role.PROVINCE_HKH: (UnitLevel.PROVINCE,),
    Role.EDUCATION_DEPT: (UnitLevel.PROVINCE,),
    Role.PROVINCE_CHAIR: (UnitLevel.PROVINCE,),
    Role.AUDITOR: (UnitLevel.DISTRICT, UnitLevel.PROVINCE),
    Role.SUPERVISOR: tuple(UnitLevel),
    Role.INSPECTOR: tuple(UnitLevel),
    Role.ADMINISTRATOR: (UnitLevel.PROVINCE,),
}

# The unit permissions each role carries on the unit where it is assigned. django-guardian holds them as
# object permissions of the per-unit role group, derived from the active role assignments and never granted by
# hand (registry.services.derive_unit_permissions). Each names the case action(s) of cases.permissions that
# those roles may take (ACTION_PERMISSIONS there); a test keeps the two tables equal.
ROLE_PERMISSIONS = {
    # the branch officer also verifies a learning citizen's self-assessment (where the title's authority says)
    Role.VILLAGE_OFFICER: ("nominate_case", "collect_evidence", "review_case"),
    Role.ASSESSOR: ("score_case",),
    Role.VILLAGE_HEAD: ("review_case",),
    # the commune officer prepares the review of cases held at the commune (no village meeting there)
    Role.COMMUNE_OFFICER: ("nominate_case", "collect_evidence", "review_case"),
    Role.COMMUNE_CHAIR: ("decide_case",),
    # the Study Promotion Association: the commune branch proposes (its "tờ trình") and, where a province
    # configures it so, recognises learning citizens; the province branch recognises and audits
    Role.COMMUNE_HKH: ("review_case", "propose_case", "decide_case"),
    Role.PROVINCE_HKH: ("decide_case", "audit_case"),
    # where a circular names the district (gone since 1 July 2025), the province names who acts instead
    # ... and prepares the cases of the units the province manages (cases.permissions.PROVINCE_LEVEL_ROLES)
    Role.EDUCATION_DEPT: (
        "nominate_case",
        "collect_evidence",
        "score_case",
        "review_case",
        "decide_case",
        "audit_case",
    ),
    Role.PROVINCE_CHAIR: ("decide_case",),
    Role.AUDITOR: ("audit_case",),
    Role.SUPERVISOR: ("supervise_unit",),
    Role.INSPECTOR: ("inspect_unit",),
    Role.ADMINISTRATOR: ("inspect_unit",),
}


class RoleAssignmentQuerySet(models.QuerySet):
    def active(self, on=None):
        from django.utils import timezone

        day = on or timezone.localdate()
        return self.filter(Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gte=day))


class RoleAssignment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="role_assignments"
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "unit", "valid_from"], name="registry_role_assignment_uniq"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="registry_role_assignment_dates",
            ),
        ]
        indexes = [models.Index(fields=["user", "valid_from"], name="registry_role_user_idx")]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.unit}"
