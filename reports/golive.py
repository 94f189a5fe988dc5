"""The go-live checklist of the province administrator: what must be in place before the first case of a year,
each line read from the registry, the criteria, the workflow settings and the audit log, with the gaps named
and a link to where each is fixed. Confirmations (deadlines, holidays) are audit events."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEvent
from audit.services import record_event
from cases.permissions import roles_for
from criteria.models import CriteriaSet, PlanTarget, TitleType
from registry.models import AdministrativeUnit, Role, RoleAssignment, UnitLevel
from registry.selectors import grants_for
from workflows.models import CalendarDay, StepDeadline
from workflows.steps.base import every_step

MAX_GAPS = 200
CONFIRMABLE = ("deadlines", "holidays")
CONFIRMED = "golive.confirmed"


@dataclass
class Line:
    key: str
    label: str
    ok: bool
    detail: str = ""
    gaps: list[str] = field(default_factory=list)
    gap_count: int = 0
    links: list[tuple[str, str]] = field(default_factory=list)  # (url, label)
    confirmable: bool = False

    def gap(self, text: str) -> None:
        self.gap_count += 1
        if len(self.gaps) < MAX_GAPS:
            self.gaps.append(text)


def may_see_checklist(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or any(g.role == Role.ADMINISTRATOR for g in grants_for(user))


def _active_units(year: int):
    first = datetime.date(year, 1, 1)
    return AdministrativeUnit.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=first))


def checklist(year: int) -> list[Line]:
    titles = list(TitleType.objects.filter(active=True).order_by("code"))
    return [
        _units(),
        _villages(year, titles),
        _staff(year, titles),
        _criteria(year, titles),
        _targets(year, titles),
        _confirmation(year, "deadlines", titles),
        _confirmation(year, "holidays", titles),
    ]


def _units() -> Line:
    provinces = AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE).count()
    communes = AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE).count()
    line = Line(
        "units",
        _("Province and communes loaded"),
        ok=bool(provinces and communes),
        detail=_("%(p)s province(s), %(c)s communes and wards.") % {"p": provinces, "c": communes},
        links=[(reverse("admin:registry_administrativeunit_changelist"), _("Administrative units"))],
    )
    if not line.ok:
        line.gap(_("Run manage.py load_units --province <code>."))
    return line


def _villages(year: int, titles) -> Line:
    line = Line(
        "villages",
        _("Villages and residential groups imported"),
        ok=True,
        links=[(reverse("reports:import_upload", args=["thon-to-dan-pho"]), _("Import villages"))],
    )
    units = _active_units(year)
    with_villages = set(units.filter(level=UnitLevel.VILLAGE).values_list("parent_id", flat=True))
    communes = list(units.filter(level=UnitLevel.COMMUNE).order_by("path").values_list("pk", "name"))
    for pk, name in communes:
        if pk not in with_villages:
            line.gap(_("%(commune)s has no village or residential group.") % {"commune": name})
    line.ok = bool(communes) and not line.gap_count
    line.detail = _("%(n)s of %(total)s communes have their villages.") % {
        "n": len(communes) - line.gap_count,
        "total": len(communes),
    }
    return line


def _staff(year: int, titles) -> Line:
    """Every unit where cases are held has, on it or above it, someone for every step its cases take."""
    line = Line(
        "staff",
        _("Staff with every acting role in every unit"),
        ok=True,
        links=[
            (reverse("reports:import_upload", args=["can-bo-va-vai-tro"]), _("Import staff")),
            (reverse("workflows:people"), _("People and roles")),
        ],
    )
    day = max(timezone.localdate(), datetime.date(year, 1, 1))
    held: dict[str, set[str]] = defaultdict(set)  # unit path -> roles held there
    for role, path in RoleAssignment.objects.active(on=day).values_list("role", "unit__path"):
        held[path].add(role)
    levels = {t.case_unit_level for t in titles}
    steps = list(every_step())
    units = _active_units(year).filter(level__in=levels).order_by("path").values_list("name", "path", "level")
    checked = 0
    for name, path, level in units:
        checked += 1
        codes = path.strip("/").split("/")
        above = ["/" + "/".join(codes[:depth]) + "/" for depth in range(1, len(codes) + 1)]
        present = set().union(*(held.get(p, set()) for p in above))
        missing = []
        # only the steps of the titles held at this level (a title's own step, e.g. CONGDAN's
        # self-assessment, is not asked of a level none of its titles' cases are held at)
        codes_here = {t.code for t in titles if t.case_unit_level == level}
        for step in steps:
            if step.titles and not step.titles & codes_here:
                continue
            roles = roles_for(step.action, level)
            if not roles & present:
                label = _(" or ").join(str(Role(r).label) for r in sorted(roles))
                if label not in missing:
                    missing.append(label)
        if missing:
            line.gap(_("%(unit)s has no %(roles)s.") % {"unit": name, "roles": "; ".join(missing)})
    line.ok = bool(checked) and not line.gap_count
    line.detail = _("%(n)s of %(total)s units have someone for every step.") % {
        "n": checked - line.gap_count,
        "total": checked,
    }
    return line


def _criteria(year: int, titles) -> Line:
    line = Line(
        "criteria",
        _("Criteria sets in force for the year"),
        ok=True,
        links=[(reverse("admin:criteria_criteriaset_changelist"), _("Criteria sets"))],
    )
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    for title in titles:
        found = CriteriaSet.objects.filter(
            Q(title_type=title), Q(valid_from__lte=last), Q(valid_to__isnull=True) | Q(valid_to__gte=first)
        ).exists()
        if not found:
            line.gap(
                _("No criteria set in force in %(year)s for “%(title)s”.") % {"year": year, "title": title}
            )
    line.ok = not line.gap_count
    return line


def _targets(year: int, titles) -> Line:
    line = Line(
        "targets",
        _("Plan targets loaded"),
        ok=True,
        detail=_("manage.py load_plan_targets loads them from a file."),
        links=[(reverse("admin:criteria_plantarget_changelist"), _("Plan targets"))],
    )
    covered = set(
        PlanTarget.objects.filter(
            year_from__lte=year, year_to__gte=year, unit__level=UnitLevel.PROVINCE
        ).values_list("title_type_id", flat=True)
    )
    for title in titles:
        if title.pk not in covered:
            line.gap(_("No province target for “%(title)s” in %(year)s.") % {"title": title, "year": year})
    line.ok = not line.gap_count
    return line


def _confirmation(year: int, item: str, titles) -> Line:
    event = (
        AuditEvent.objects.filter(stream=_stream(year), event_type=CONFIRMED, data__item=item)
        .order_by("-seq")
        .first()
    )
    if item == "deadlines":
        configured = StepDeadline.objects.filter(title_type__in=titles).count()
        line = Line(
            item,
            _("Step deadlines confirmed"),
            ok=event is not None,
            detail=_("%(n)s deadlines set per title; the others use the step table's defaults.")
            % {"n": configured},
            links=[(reverse("admin:workflows_stepdeadline_changelist"), _("Step deadlines"))],
            confirmable=True,
        )
    else:
        days = CalendarDay.objects.filter(date__year=year).count()
        line = Line(
            item,
            _("Holidays and exchanged working days confirmed"),
            ok=event is not None,
            detail=_("%(n)s days added to the %(year)s calendar (Tết and the fixed holidays are built in).")
            % {"n": days, "year": year},
            links=[(reverse("admin:workflows_calendarday_changelist"), _("Calendar days"))],
            confirmable=True,
        )
    if event is None:
        line.gap(_("Not confirmed for %(year)s yet.") % {"year": year})
    else:
        line.detail += " " + _("Confirmed by %(who)s on %(day)s.") % {
            "who": event.actor_name or "—",
            "day": timezone.localtime(event.occurred_at).strftime("%d/%m/%Y"),
        }
    return line


def _stream(year: int) -> str:
    return f"config:golive:{year}"


def confirm(item: str, *, year: int, actor) -> None:
    """The administrator confirms the deadlines or the holidays of a year: one audit event."""
    from django.core.exceptions import PermissionDenied, ValidationError

    if not may_see_checklist(actor):
        raise PermissionDenied(_("This page is for the province administrator."))
    if item not in CONFIRMABLE:
        raise ValidationError(_("Nothing to confirm."))
    record_event(_stream(year), CONFIRMED, actor=actor, data={"item": item, "year": year})
