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

from cases import urls as case_urls
from cases.permissions import ACTION_ROLES, roles_for
from registry.models import UnitLevel
from registry.selectors import grants_for
from workflows import urls as workflow_urls
from workflows.selectors import STEP_ACTIONS

Predicate = Callable[[object], bool]


def _roles(user) -> set[str]:
    return {g.role for g in grants_for(user)}


# Roles that act on at least one step of the recognition flow (at village or commune level).
STEP_ROLES = frozenset(
    role
    for action in STEP_ACTIONS.values()
    for level in UnitLevel.values
    for role in roles_for(action, level)
)


def takes_steps(user) -> bool:
    """Village officers, assessors, village heads, commune officers and chairs, auditors."""
    return bool(_roles(user) & STEP_ROLES)


def nominates(user) -> bool:
    return bool(_roles(user) & ACTION_ROLES["nominate"])


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

    def __init__(self, *, urlconf, **kwargs):
        super().__init__(urlpatterns=list(urlconf.urlpatterns), **kwargs)

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
]

site = ProductSite(title=_("Lifelong learning"), viewsets=APPLICATIONS)
