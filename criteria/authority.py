"""Who acts on each title: the recognition authority, as data (a national row per title, a province's own row
overriding it).

For each title: the unit level its subjects' cases belong to, who proposes (the village head, the commune
officer, the commune Study Promotion Association), which body decides at which level (the People's
Committee, the Association, the Department of Education), who audits, the decision's number suffix
("QĐ-UBND", "QĐ-HKH") and the signer's office. Since 1 July 2025 there is no district: where a circular names
the district, the province's own row names who acts instead.

A row that would leave a step without anyone allowed to act is refused when saved (`problems`): every role
must be one that can be assigned at its level and carries the step's unit permission, the levels must run
upwards from the subject, and a level the province has no unit of (a district, after the reform) is refused.

Reads go through `authority_for`, a per-process copy of the (small) table, dropped when a row is written here
and at most AUTHORITY_TTL seconds old in the other processes.
"""

import time
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from registry.models import (
    LEVEL_DEPTH,
    ROLE_LEVELS,
    ROLE_PERMISSIONS,
    AdministrativeUnit,
    Role,
    UnitLevel,
)


class DecidingBody(models.TextChoices):
    PEOPLES_COMMITTEE = "ubnd", _("People's Committee")
    ASSOCIATION = "hkh", _("Study Promotion Association")
    EDUCATION_DEPARTMENT = "sgddt", _("Department of Education and Training")


# The step each actor of an authority takes, and the unit permission its role must carry for it.
ACTOR_PERMISSIONS = {
    "proposer": "review_case",
    "proposal": "propose_case",
    "decider": "decide_case",
    "auditor": "audit_case",
}
ACTOR_LABELS = {
    "proposer": _("proposes"),
    "proposal": _("compiles the proposal"),
    "decider": _("decides"),
    "auditor": _("audits"),
}


class RecognitionAuthority(models.Model):
    title_type = models.ForeignKey(
        "criteria.TitleType", verbose_name=_("title"), on_delete=models.PROTECT, related_name="authorities"
    )
    province = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("specific to province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        limit_choices_to={"level": UnitLevel.PROVINCE},
        related_name="+",
        help_text=_("Leave empty for the national rule; a province's own row overrides it."),
    )
    subject_level = models.CharField(
        _("unit level of the subject"),
        max_length=10,
        choices=UnitLevel.choices,
        help_text=_(
            "Cases belong to a village (households), a commune (clans, the commune itself) or the province."
        ),
    )
    proposer_role = models.CharField(
        _("who proposes"),
        max_length=20,
        choices=Role.choices,
        help_text=_("Takes the review step: the village meeting's head, the branch that verifies, ..."),
    )
    proposer_level = models.CharField(_("proposes at level"), max_length=10, choices=UnitLevel.choices)
    proposal_role = models.CharField(
        _("who compiles the proposal"),
        max_length=20,
        choices=Role.choices,
        blank=True,
        help_text=_(
            "Leave empty when the decision needs no numbered proposal (“tờ trình”); otherwise every case "
            "decided must be on one."
        ),
    )
    proposal_level = models.CharField(
        _("compiles at level"), max_length=10, choices=UnitLevel.choices, blank=True
    )
    proposal_suffix = models.CharField(
        _("proposal number suffix"), max_length=20, blank=True, help_text=_("E.g. “TTr-HKH”.")
    )
    decider_body = models.CharField(_("deciding body"), max_length=10, choices=DecidingBody.choices)
    decider_role = models.CharField(_("who decides"), max_length=20, choices=Role.choices)
    decider_level = models.CharField(_("decides at level"), max_length=10, choices=UnitLevel.choices)
    auditor_role = models.CharField(_("who audits"), max_length=20, choices=Role.choices)
    auditor_level = models.CharField(_("audits at level"), max_length=10, choices=UnitLevel.choices)
    decision_suffix = models.CharField(
        _("decision number suffix"), max_length=20, help_text=_("E.g. “QĐ-UBND”, “QĐ-HKH”.")
    )
    signer_office = models.CharField(
        _("signer's office"),
        max_length=120,
        help_text=_("E.g. “Chủ tịch Ủy ban nhân dân”, “Chủ tịch Hội Khuyến học”."),
    )
    legal_reference = models.CharField(_("legal basis"), max_length=255, blank=True)
    months_between_levels = models.PositiveSmallIntegerField(
        _("months between level 1 and level 2"),
        null=True,
        blank=True,
        help_text=_(
            "For titles with levels: level 2 is not recognised earlier than this many months after level 1 "
            "(Circular 25/2023: 12). Leave empty for no such rule."
        ),
    )

    class Meta:
        verbose_name = _("recognition authority")
        verbose_name_plural = _("recognition authorities")
        ordering = ["title_type__code", "province__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["title_type"],
                condition=Q(province__isnull=True),
                name="criteria_authority_national_uniq",
            ),
            models.UniqueConstraint(
                fields=["title_type", "province"],
                condition=Q(province__isnull=False),
                name="criteria_authority_province_uniq",
            ),
        ]

    def __str__(self):
        where = self.province.name if self.province_id else gettext("national rule")
        return f"{self.title_type} · {where}"

    def clean(self):
        errors = problems(self)
        if errors:
            raise ValidationError(errors)

    def actor(self, name: str) -> tuple[str, str]:
        return getattr(self, f"{name}_role"), getattr(self, f"{name}_level")


def problems(row: RecognitionAuthority) -> dict[str, list[str]]:
    """Why this row would leave a step without anyone allowed to act ({field: messages}); empty if none."""
    errors: dict[str, list[str]] = {}
    depth = {name: LEVEL_DEPTH.get(row.actor(name)[1]) for name in ACTOR_PERMISSIONS}
    subject_depth = LEVEL_DEPTH.get(row.subject_level)
    if row.proposal_role and not (row.proposal_level and row.proposal_suffix):
        errors.setdefault("proposal_role", []).append(
            gettext("A proposal needs the level it is compiled at and its number suffix.")
        )
    for name, codename in ACTOR_PERMISSIONS.items():
        role, level = row.actor(name)
        if not role or not level:
            continue
        if level not in ROLE_LEVELS.get(role, ()):
            errors.setdefault(f"{name}_role", []).append(
                gettext("The role “%(role)s” cannot be held at level “%(level)s”: nobody could %(act)s.")
                % {"role": Role(role).label, "level": UnitLevel(level).label, "act": ACTOR_LABELS[name]}
            )
        elif codename not in ROLE_PERMISSIONS.get(role, ()):
            errors.setdefault(f"{name}_role", []).append(
                gettext("The role “%(role)s” does not carry this step: choose a role that %(act)s.")
                % {"role": Role(role).label, "act": ACTOR_LABELS[name]}
            )
    if None not in (subject_depth, depth["proposer"], depth["decider"], depth["auditor"]):
        if depth["proposer"] > subject_depth:
            errors.setdefault("proposer_level", []).append(
                gettext("The proposal cannot come from a level below the subject's.")
            )
        if depth["decider"] > depth["proposer"]:
            errors.setdefault("decider_level", []).append(
                gettext("The deciding level cannot be below the proposing level.")
            )
        proposal = depth.get("proposal")
        between = proposal is not None and depth["decider"] <= proposal <= depth["proposer"]
        if row.proposal_role and not between:
            errors.setdefault("proposal_level", []).append(
                gettext("The proposal is compiled between the proposing and the deciding level.")
            )
        if depth["auditor"] > depth["decider"]:
            errors.setdefault("auditor_level", []).append(
                gettext("The audit cannot be done at a level below the deciding level.")
            )
    missing = _provinces_without(row)
    if missing:
        errors.setdefault("__all__", []).append(
            gettext(
                "There is no unit of level “%(level)s” in %(provinces)s (no districts since 1 July 2025): "
                "configure who acts instead for that province."
            )
            % {"level": missing[0], "provinces": ", ".join(missing[1])}
        )
    return errors


def _provinces_without(row: RecognitionAuthority) -> tuple[str, list[str]] | None:
    """(level, province names) when an acting level of the row has no unit in a province the row governs."""
    levels = {row.actor(name)[1] for name in ACTOR_PERMISSIONS} | {row.subject_level}
    if UnitLevel.DISTRICT not in levels:
        return None
    provinces = AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE)
    if row.province_id:
        provinces = provinces.filter(pk=row.province_id)
    elif row.title_type_id:
        overridden = RecognitionAuthority.objects.filter(
            title_type_id=row.title_type_id, province__isnull=False
        )
        provinces = provinces.exclude(pk__in=overridden.values("province_id"))
    names = [
        p.name
        for p in provinces
        if not AdministrativeUnit.objects.filter(level=UnitLevel.DISTRICT, path__startswith=p.path).exists()
    ]
    return (UnitLevel(UnitLevel.DISTRICT).label, names) if names else None


# --- reads ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Authority:
    """The authority in force for one title in one province (RecognitionAuthority's fields, as read)."""

    title_type_id: int
    province_id: int | None
    subject_level: str
    proposer_role: str
    proposer_level: str
    proposal_role: str
    proposal_level: str
    proposal_suffix: str
    decider_body: str
    decider_role: str
    decider_level: str
    auditor_role: str
    auditor_level: str
    decision_suffix: str
    signer_office: str
    legal_reference: str
    months_between_levels: int | None

    def actor(self, name: str) -> tuple[str, str]:
        return getattr(self, f"{name}_role"), getattr(self, f"{name}_level")

    @property
    def body_label(self) -> str:
        return DecidingBody(self.decider_body).label

    def acting_unit(self, name: str, unit):
        """The unit at the actor's level at or above `unit` (a case's unit), or None (one query)."""
        level = self.actor(name)[1]
        if unit.level == level:
            return unit
        return next((u for u in unit.ancestors() if u.level == level), None)


AUTHORITY_TTL = 30.0  # seconds a process keeps its copy of the table
_FIELDS = [f.name for f in Authority.__dataclass_fields__.values()]
_cache: dict = {"at": None, "rows": {}}


def forget_authorities(**_kwargs) -> None:
    """Drop this process's copy of the table (after a write, and between tests)."""
    _cache["at"] = None


def _rows() -> dict[tuple[int, int | None], Authority]:
    now = time.monotonic()
    if _cache["at"] is None or now - _cache["at"] > AUTHORITY_TTL:
        _cache["rows"] = {
            (row["title_type_id"], row["province_id"]): Authority(**row)
            for row in RecognitionAuthority.objects.values(*_FIELDS)
        }
        _cache["at"] = now
    return _cache["rows"]


def province_ids_by_code() -> dict[str, int]:
    """{province code: id} of the provinces that have an authority row of their own."""
    rows = _rows()
    ids = {pid for (_t, pid) in rows if pid is not None}
    if not ids:
        return {}
    key = ("codes", frozenset(ids))
    if _cache.get("codes_key") != key:
        _cache["codes"] = dict(AdministrativeUnit.objects.filter(pk__in=ids).values_list("code", "pk"))
        _cache["codes_key"] = key
    return _cache["codes"]


class NoAuthority(ValidationError):
    def __init__(self):
        super().__init__(
            gettext("Nobody is configured to propose, decide and audit this title; ask the administrator.")
        )


def authority_for(title_type_id: int, unit_path: str) -> Authority:
    """The authority for a title in the province of `unit_path` (the province's own row, else the national
    one)."""
    rows = _rows()
    province_code = unit_path.strip("/").split("/")[0]
    province_id = province_ids_by_code().get(province_code)
    found = rows.get((title_type_id, province_id)) if province_id else None
    found = found or rows.get((title_type_id, None))
    if found is None:
        raise NoAuthority()
    return found


def authorities_in(province_code: str) -> dict[int, Authority]:
    """{title id: authority in force} for a province."""
    rows = _rows()
    province_id = province_ids_by_code().get(province_code)
    national = {t: a for (t, p), a in rows.items() if p is None}
    own = {t: a for (t, p), a in rows.items() if p is not None and p == province_id}
    return {**national, **own}


post_save.connect(forget_authorities, sender=RecognitionAuthority)
post_delete.connect(forget_authorities, sender=RecognitionAuthority)
