"""The product's shell: one viewflow Site whose Applications are the areas of work, listed in APPLICATIONS.

Each Application mounts one app's URL module at its own path and namespace (so `/cong-viec/...` keeps the
names `workflows:*` and `/ho-so/...` keeps `cases:*`) and lists the menu entries it offers. An entry is shown
to the users its predicate admits; an Application is shown, and entered, only by users with at least one of
its entries. The predicates read the user's role grants, which are cached per request, so the menu adds no
query per grant or per application.

To add an area (an inspector workspace, the collective steps, ...): append one `Area(...)` to APPLICATIONS.

viewflow's stock FlowAppViewset (process list/detail, task lists) is deliberately not mounted: those views
show every unit's work to anyone holding the global view permission. Our scoped inbox, queue, archive and
case file replace them (tests/config/test_shell.py proves no URL resolves to them).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application, Site, route

from approvals import urls as approval_urls
from cases import urls as case_urls
from cases.permissions import ACTION_ROLES, roles_for
from inspection import urls as inspection_urls
from inspection.permissions import can_inspect
from notifications import urls as notification_urls
from registry.models import Role, UnitLevel
from registry.selectors import grants_for
from reports import urls as report_urls
from reports.golive import may_see_checklist
from reports.permissions import can_import
from workflows import flows  # noqa: F401  (builds the flow: its step table is registered before STEP_ROLES)
from workflows import urls as workflow_urls
from workflows.collective import views as collective_views
from workflows.people.selectors import manages_people
from workflows.steps.base import step_actions

Predicate = Callable[[object], bool]


def _roles(user) -> set[str]:
    return {g.role for g in grants_for(user)}


# Roles that act on at least one step of the recognition flow (at village or commune level).
STEP_ROLES = frozenset(
    role
    for action in step_actions().values()
    for level in UnitLevel.values
    for role in roles_for(action, level)
)


def takes_steps(user) -> bool:
    """Village officers, assessors, village heads, commune officers and chairs, auditors."""
    return bool(_roles(user) & STEP_ROLES)


def nominates(user) -> bool:
    return bool(_roles(user) & ACTION_ROLES["nominate"])


def supervises(user) -> bool:
    return Role.SUPERVISOR in _roles(user)


# Who works with review meetings, decisions and audits (and reads them: supervisors, inspectors).
COLLECTIVE_ROLES = frozenset(
    {
        Role.VILLAGE_HEAD,
        Role.COMMUNE_OFFICER,
        Role.COMMUNE_CHAIR,
        Role.COMMUNE_HKH,
        Role.PROVINCE_HKH,
        Role.EDUCATION_DEPT,
        Role.PROVINCE_CHAIR,
        Role.AUDITOR,
        Role.SUPERVISOR,
        Role.INSPECTOR,
    }
)


def works_collectively(user) -> bool:
    return bool(getattr(user, "is_superuser", False) or _roles(user) & COLLECTIVE_ROLES)


def sees_cases(user) -> bool:
    """Every role sees the cases of its units; a superuser sees all."""
    return bool(getattr(user, "is_superuser", False) or grants_for(user))


@dataclass(frozen=True)
class MenuEntry:
    url_name: str
    title: str | Promise
    icon: str  # a Material icon ligature
    visible: Predicate

    @property
    def url(self) -> str:
        return reverse(self.url_name)


class Area(Application):
    """An area of work: a URL module mounted at `url_prefix` under its namespace, with its menu entries."""

    url_prefix = ""
    entries: tuple[MenuEntry, ...] = ()
    # one site-wide menu (config's templates/shell/menu.html) lists every area's entries
    menu_template_name = None

    def __init__(self, *, urlconf, also=(), **kwargs):
        # `also`: URL modules of upper floors mounted in this area's namespace (the workflow's actions that
        # end a collective step sit with the approvals pages they are posted from)
        patterns = [*urlconf.urlpatterns, *(p for extra in also for p in extra.urlpatterns)]
        super().__init__(urlpatterns=patterns, **kwargs)

    def entries_for(self, user) -> list[MenuEntry]:
        return [entry for entry in self.entries if entry.visible(user)]

    def has_view_permission(self, user, obj=None) -> bool:
        return bool(user.is_authenticated and self.entries_for(user))


class ProductSite(Site):
    """viewflow's Site, each Area at its own path rather than at `<app_name>/`; `/` stays config's home."""

    index_path = None
    menu_template_name = "shell/menu.html"

    def _get_urls(self):
        return [self._create_url_pattern(route(area.url_prefix, area)) for area in self.viewsets]

    def menu_for(self, user) -> list[tuple[Area, list[MenuEntry]]]:
        return [(area, entries) for area in self.viewsets if (entries := area.entries_for(user))]


APPLICATIONS: list[Area] = [
    Area(
        title=_("Work"),
        icon="assignment",
        app_name="workflows",
        url_prefix="cong-viec/",
        urlconf=workflow_urls,
        entries=(
            MenuEntry("workflows:inbox", _("Inbox"), "inbox", takes_steps),
            MenuEntry("workflows:queue", _("Queue"), "playlist_add_check", takes_steps),
            MenuEntry("workflows:archive", _("Done"), "history", takes_steps),
            MenuEntry("workflows:nominate", _("New case"), "note_add", nominates),
            MenuEntry("workflows:supervise", _("Supervision"), "monitoring", supervises),
            MenuEntry("workflows:people", _("People and roles"), "badge", manages_people),
        ),
    ),
    Area(
        title=_("Cases"),
        icon="folder_shared",
        app_name="cases",
        url_prefix="ho-so/",
        urlconf=case_urls,
        entries=(MenuEntry("cases:list", _("Cases"), "folder_shared", sees_cases),),
    ),
    Area(
        title=_("Collective steps"),
        icon="groups",
        app_name="approvals",
        url_prefix="xet-duyet/",
        urlconf=approval_urls,
        also=(collective_views,),
        entries=(
            MenuEntry("approvals:sessions", _("Review meetings"), "groups", works_collectively),
            MenuEntry("approvals:decisions", _("Decisions"), "gavel", works_collectively),
        ),
    ),
    Area(
        title=_("Reports"),
        icon="insights",
        app_name="reports",
        url_prefix="bao-cao/",
        urlconf=report_urls,
        entries=(
            MenuEntry("reports:coverage_index", _("Coverage against targets"), "insights", sees_cases),
            MenuEntry("reports:imports", _("Import registries"), "upload_file", can_import),
            MenuEntry("reports:golive", _("Go-live checklist"), "checklist", may_see_checklist),
        ),
    ),
    Area(
        title=_("Inspection"),
        icon="policy",
        app_name="inspection",
        url_prefix="thanh-tra/",
        urlconf=inspection_urls,
        entries=(
            MenuEntry("inspection:search", _("Audit search"), "manage_search", can_inspect),
            MenuEntry("inspection:integrity", _("Integrity"), "verified", can_inspect),
            MenuEntry("inspection:access_log", _("Personal-data access"), "visibility", can_inspect),
        ),
    ),
    Area(
        title=_("Notifications"),
        icon="notifications",
        app_name="notifications",
        url_prefix="thong-bao/",
        urlconf=notification_urls,
        entries=(MenuEntry("notifications:list", _("Notifications"), "notifications", sees_cases),),
    ),
]

site = ProductSite(title=_("Lifelong learning"), viewsets=APPLICATIONS)
