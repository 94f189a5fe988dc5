"""What a step of a recognition flow is: one declaration from which the flow's node, its route, the work
lists, the case file's panel, the step page, the deadline policy and the step's completion are derived.

A flow is built from a StepTable (workflows.flows.build_flow), which registers it: the work lists, the
deadline policy and the step choices read every registered table, so a step added to a table (or a flow
built from another table, e.g. a title with its own path) is served without any other change.
"""

import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.utils.functional import Promise

from cases import permissions as perms
from cases.models import Case, CaseState
from cases.transitions import CaseTransition


@dataclass(frozen=True)
class Outcome:
    """One way a step can end: the case transitions it makes, the service that makes them, its form, its
    button and its acknowledgement."""

    transitions: tuple[CaseTransition, ...]
    # service(case, *, actor, held, **form.outcome_kwargs()) -> the case in its new state; `held` is the
    # case's row, which the step's completion has locked (cases.services.move_case)
    service: Callable[..., Case]
    form: Callable[..., object]  # form(case, data, prefix) -> steps.forms.OutcomeForm
    button: Promise
    done: Callable[[Case], str]  # the message once done
    side: bool = False  # drawn by step_base.html as a reason form under the step's own form
    # the step's own work (the assignee's, or the queue's to take); False for an outcome that ends whichever
    # step is open without being its work (withdrawal): anyone the transition's permission admits may use it
    own_work: bool = True

    def allowed(self, user, case: Case) -> bool:
        """Whether the user holds the permission of the outcome's transition on the case."""
        return perms.can(user, self.transitions[0].action, case)


@dataclass(frozen=True)
class Step:
    """A human step: who works on which cases, what it can end with, when it is due, what its page shows."""

    key: str  # the flow node's name (stored in the task rows: never rename)
    label: Promise  # the step's name (task title, lists, filters)
    milestone: Promise  # what the case file's progress calls the step once done
    opens_on: CaseState  # the case state the step works on: the route opens the step for it
    action: str  # the case permission of whoever takes the step (cases.permissions: roles by unit level)
    permission_unit: Callable[[Case], object]  # the unit viewflow's owner permission is on (the case's, ...)
    outcomes: dict[str, Outcome]
    working_days: int  # the default deadline; workflows.StepDeadline overrides it per title
    page: Callable[..., dict]  # page(request, task, case) -> the step page's own context
    titles: frozenset[str] | None = None  # title codes whose cases take this step (None: every title)
    template: str = ""  # the step page's template (default: workflows/step_<key>.html)

    @property
    def permission(self) -> str:
        """viewflow's owner permission of the step: the unit permission of its action (guardian's)."""
        return perms.step_permission(self.action)

    @property
    def template_name(self) -> str:
        return self.template or f"workflows/step_{self.key}.html"

    @property
    def transitions(self) -> frozenset[str]:
        """The FSM methods that end the step's own work: the step is actionable while one is available."""
        return frozenset(t.method for o in self.outcomes.values() if o.own_work for t in o.transitions)

    def takes(self, case: Case, title_code: Callable[[int], str]) -> bool:
        """Whether the route opens this step for the case (its state; its title, when the step has titles)."""
        return case.state == self.opens_on and (
            self.titles is None or title_code(case.title_type_id) in self.titles
        )


@dataclass(frozen=True)
class StepTable:
    """The steps of one flow, in the order a case goes through them."""

    steps: tuple[Step, ...]
    by_key: dict[str, Step] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        keys = [s.key for s in self.steps]
        if len(set(keys)) != len(keys):
            raise ValueError(f"step keys repeat: {keys}")
        object.__setattr__(self, "by_key", {s.key: s for s in self.steps})

    def __iter__(self) -> Iterator[Step]:
        return iter(self.steps)

    def __getitem__(self, key: str) -> Step:
        return self.by_key[key]

    def __contains__(self, key: str) -> bool:
        return key in self.by_key

    def get(self, key: str) -> Step | None:
        return self.by_key.get(key)

    def path(self, title_type_id: int | None, title_code: Callable[[int], str]) -> list[Step]:
        """The steps a case of this title goes through, in order (a title-specific step replaces the general
        step that opens on the same state)."""
        path = []
        for step in self.steps:
            own = step.titles is not None
            if own and (title_type_id is None or title_code(title_type_id) not in step.titles):
                continue
            if step.titles is not None:
                path = [s for s in path if s.opens_on != step.opens_on]
            elif any(s.opens_on == step.opens_on for s in path):
                continue
            path.append(step)
        return path

    def with_step(self, step: Step, *, after: str | None = None) -> "StepTable":
        """A copy with `step` added (after the step `after`, or at the end)."""
        steps = list(self.steps)
        at = len(steps) if after is None else [s.key for s in steps].index(after) + 1
        return StepTable(tuple([*steps[:at], step, *steps[at:]]))


# --- the tables of the flows built so far (workflows.flows.build_flow registers them) -----------------------

_TABLES: list[StepTable] = []


def register(table: StepTable) -> None:
    if table not in _TABLES:
        _TABLES.append(table)


def unregister(table: StepTable) -> None:
    if table in _TABLES:
        _TABLES.remove(table)


def every_step() -> Iterable[Step]:
    """Every step of every registered flow, the first declaration of each key."""
    seen = set()
    for table in _TABLES:
        for step in table:
            if step.key not in seen:
                seen.add(step.key)
                yield step


def step_named(key: str) -> Step | None:
    return next((s for s in every_step() if s.key == key), None)


def step_actions() -> dict[str, str]:
    """{step key: the case permission of whoever takes it}, for every registered step."""
    return {s.key: s.action for s in every_step()}


def step_choices() -> list[tuple[str, Promise]]:
    """(key, label) of every registered step, for filters and the deadline settings."""
    return [(s.key, s.label) for s in every_step()]


@functools.cache
def title_code(title_type_id: int) -> str:
    """The code of a title type (codes are fixed once cases exist); read only for steps that have `titles`."""
    from criteria.models import TitleType

    return TitleType.objects.values_list("code", flat=True).get(pk=title_type_id)
