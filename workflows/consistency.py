"""The consistency checker (`manage.py check_consistency`, nightly): what must hold across the apps, checked
against the rows as they are, each finding naming what is off and where.

* every open flow-backed case has exactly one open step, the one its state waits for; a closed case has none;
* every change of a case's state has its audit event: the case's transition events, folded from the first
  state, end at the state the row holds, each starting where the previous one ended;
* the decision numbers of a unit, year and series run 1..n with no gap or repeat (n: its counter), and so do
  the case register numbers of each counter;
* the audit log's chains verify (audit.verify);
* no claimed step is held by someone who may no longer do it (the role ended, moved or was never there);
* every active evidence file's bytes match the SHA-256 the audit chain recorded when it was added.
"""

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.models import Decision, DecisionCounter, Proposal
from audit.models import AuditEvent, ConsistencyRun
from audit.verify import verify_log
from cases import transitions as T
from cases.evidence_check import check_evidence, recorded_hashes_of
from cases.models import Case, EvidenceFile, ReferenceCounter
from cases.permissions import can

from .engine.steps import OPEN_TASK_STATES
from .models import CaseProcess, CaseTask
from .steps.base import every_step

MAX_PROBLEMS = 500
CHECKS = ("steps", "events", "numbers", "chains", "claims", "evidence")


@dataclass(frozen=True)
class Problem:
    check: str  # one of CHECKS
    subject: str  # what is off: a case or decision reference, a counter, a stream
    scope: str  # the unit path it lies under ("" when it concerns the whole system)
    message: str


def _transition_events() -> dict[str, object]:
    return {t.event_type: t for t in vars(T).values() if isinstance(t, T.CaseTransition)}


def check_steps() -> list[Problem]:
    """Each flow-backed case: one open step, the one its state waits for; none once it is closed."""
    waits = defaultdict(set)
    for step in every_step():
        waits[step.opens_on].add(step.key)
    open_steps = defaultdict(list)
    for case_id, step in CaseTask.objects.filter(
        status__in=OPEN_TASK_STATES, flow_task_type="HUMAN"
    ).values_list("case_id", "step"):
        open_steps[case_id].append(step)
    problems = []
    flow_cases = Case.objects.filter(pk__in=CaseProcess.objects.values("case_id"))
    for pk, ref, state, path in flow_cases.values_list("pk", "reference", "state", "unit_path").iterator():
        steps, expected = open_steps.get(pk, []), waits.get(state, set())
        if expected and (len(steps) != 1 or steps[0] not in expected):
            problems.append(
                Problem(
                    "steps",
                    ref,
                    path,
                    _(
                        "Case %(ref)s is in state “%(state)s” but has open steps %(steps)s "
                        "(expected one of %(expected)s)."
                    )
                    % {
                        "ref": ref,
                        "state": state,
                        "steps": sorted(steps) or "—",
                        "expected": sorted(expected),
                    },
                )
            )
        elif not expected and steps:
            problems.append(
                Problem(
                    "steps",
                    ref,
                    path,
                    _(
                        "Case %(ref)s is in state “%(state)s”, which no step waits for, "
                        "but has open steps %(steps)s."
                    )
                    % {"ref": ref, "state": state, "steps": sorted(steps)},
                )
            )
    return problems


def check_events() -> list[Problem]:
    """Fold each case's transition events from the first state: they must chain and end at the row's state."""
    initial = Case._meta.get_field("state").default
    folded: dict[str, str] = {}
    broken: dict[str, str] = {}
    events = (
        AuditEvent.objects.filter(stream__startswith="case:", event_type__in=list(_transition_events()))
        .order_by("stream", "seq")
        .values_list("stream", "seq", "data")
    )
    for stream, seq, data in events.iterator(chunk_size=5000):
        data = data or {}
        current = folded.get(stream, initial)
        if data.get("from") != current and stream not in broken:
            broken[stream] = _("event #%(seq)s moves from “%(from)s”, but the case was in “%(state)s”") % {
                "seq": seq,
                "from": data.get("from"),
                "state": current,
            }
        folded[stream] = data.get("to", current)
    problems = []
    for pk, ref, state, path in Case.objects.values_list("pk", "reference", "state", "unit_path").iterator():
        stream = Case.stream_of(pk)
        if stream in broken:
            problems.append(
                Problem(
                    "events",
                    ref,
                    path,
                    _("Case %(ref)s: %(detail)s.") % {"ref": ref, "detail": broken[stream]},
                )
            )
        elif folded.get(stream, initial) != state:
            problems.append(
                Problem(
                    "events",
                    ref,
                    path,
                    _(
                        "Case %(ref)s is in state “%(state)s”, but its audit events end at “%(folded)s”: "
                        "a change of state has no event."
                    )
                    % {"ref": ref, "state": state, "folded": folded.get(stream, initial)},
                )
            )
    return problems


def _run_problems(numbers: list[int], last: int) -> tuple[list[int], list[int]]:
    """(the missing numbers of 1..last, the repeated ones)."""
    seen = Counter(numbers)
    missing = [n for n in range(1, max([last, *numbers], default=0) + 1) if n not in seen]
    return missing, sorted(n for n, count in seen.items() if count > 1)


def check_numbers() -> list[Problem]:
    """Decision numbers per unit, year and series (the issuing body's suffix, each numbered apart), case
    register numbers per counter: 1..n, no gap, no repeat."""
    problems = []
    numbers = defaultdict(list)
    paths = {}
    for commune_id, year, series, number, path in Decision.objects.filter(number__isnull=False).values_list(
        "commune_id", "year", "suffix", "number", "unit_path"
    ):
        numbers[(commune_id, year, series)].append(number)
        paths[(commune_id, year, series)] = path
    # the Association's proposals (tờ trình) are numbered from the same counters, in their own series
    for unit_id, year, series, number, path in Proposal.objects.values_list(
        "unit_id", "year", "suffix", "number", "unit__path"
    ):
        numbers[(unit_id, year, series)].append(number)
        paths[(unit_id, year, series)] = path
    counters = {(c.commune_id, c.year, c.series): c.value for c in DecisionCounter.objects.all()}
    for key in sorted(set(numbers) | set(counters)):
        missing, repeated = _run_problems(numbers.get(key, []), counters.get(key, 0))
        if missing or repeated:
            subject = _("decisions %(series)s of unit #%(commune)s in %(year)s") % {
                "series": key[2],
                "commune": key[0],
                "year": key[1],
            }
            problems.append(
                Problem(
                    "numbers",
                    subject,
                    paths.get(key, ""),
                    _(
                        "The %(subject)s: numbers missing %(missing)s, repeated %(repeated)s "
                        "(last issued: %(last)s)."
                    )
                    % {
                        "subject": subject,
                        "missing": missing or "—",
                        "repeated": repeated or "—",
                        "last": counters.get(key, 0),
                    },
                )
            )
    register = defaultdict(list)
    case_paths = {}
    for ref, path in Case.objects.values_list("reference", "unit_path").iterator():
        key, _sep, number = ref.rpartition("-")
        if number.isdigit():
            register[key].append(int(number))
            case_paths[key] = path
    counters = dict(ReferenceCounter.objects.values_list("key", "value"))
    for key in sorted(set(register) | set(counters)):
        missing, repeated = _run_problems(register.get(key, []), counters.get(key, 0))
        if missing or repeated:
            problems.append(
                Problem(
                    "numbers",
                    key,
                    case_paths.get(key, ""),
                    _(
                        "Case register %(key)s: numbers missing %(missing)s, repeated %(repeated)s "
                        "(last issued: %(last)s)."
                    )
                    % {
                        "key": key,
                        "missing": missing or "—",
                        "repeated": repeated or "—",
                        "last": counters.get(key, 0),
                    },
                )
            )
    return problems


def check_chains() -> list[Problem]:
    result = verify_log()
    scopes = {}
    case_streams = [p.stream for p in result.problems if p.stream.startswith("case:")]
    if case_streams:
        ids = [int(s.split(":", 1)[1]) for s in case_streams if s.split(":", 1)[1].isdigit()]
        scopes = {
            Case.stream_of(pk): path
            for pk, path in Case.objects.filter(pk__in=ids).values_list("pk", "unit_path")
        }
    return [
        Problem(
            "chains",
            p.stream or _("checkpoints"),
            scopes.get(p.stream, ""),
            _("Audit stream %(stream)s #%(seq)s: %(message)s")
            % {"stream": p.stream or "—", "seq": p.seq or "—", "message": p.message},
        )
        for p in result.problems
    ]


def check_claims() -> list[Problem]:
    """A claimed step's holder may still do it: their role covers the case's unit today."""
    actions = {s.key: s.action for s in every_step()}
    problems = []
    claimed = CaseTask.objects.filter(
        status__in=OPEN_TASK_STATES, flow_task_type="HUMAN", owner__isnull=False
    )
    for task in claimed.select_related("owner", "case__unit").iterator(chunk_size=1000):
        action = actions.get(task.step)
        if action is None or not can(task.owner, action, task.case):
            problems.append(
                Problem(
                    "claims",
                    task.case.reference,
                    task.case.unit_path,
                    _("The step “%(step)s” of case %(ref)s is claimed by %(user)s, who may not do it.")
                    % {"step": task.step, "ref": task.case.reference, "user": task.owner.get_username()},
                )
            )
    return problems


def check_evidence_bytes() -> list[Problem]:
    """Every active evidence file against the SHA-256 recorded in its case's audit chain when it was added."""
    problems = []
    files = (
        EvidenceFile.objects.filter(removed_at__isnull=True).select_related("case").order_by("case_id", "pk")
    )
    batch: list[EvidenceFile] = []

    def flush():
        recorded = recorded_hashes_of({ev.case.stream for ev in batch})
        for check in check_evidence(batch, recorded):
            if not check.ok:
                ev = check.evidence
                problems.append(
                    Problem(
                        "evidence",
                        ev.case.reference,
                        ev.case.unit_path,
                        _("Evidence file %(name)s (#%(id)s) of case %(ref)s: %(status)s.")
                        % {
                            "name": ev.original_name,
                            "id": ev.pk,
                            "ref": ev.case.reference,
                            "status": check.label,
                        },
                    )
                )
        batch.clear()

    for evidence in files.iterator(chunk_size=500):
        batch.append(evidence)
        if len(batch) >= 500:
            flush()
    if batch:
        flush()
    return problems


CHECKERS = {
    "steps": check_steps,
    "events": check_events,
    "numbers": check_numbers,
    "chains": check_chains,
    "claims": check_claims,
    "evidence": check_evidence_bytes,
}


def check_consistency(checks=CHECKS) -> list[Problem]:
    problems = []
    for name in checks:
        problems.extend(CHECKERS[name]())
    return problems


def run_consistency_check(*, trigger: str, checks=CHECKS) -> tuple[ConsistencyRun, list[Problem]]:
    """Run the checks and keep the run (the integrity page shows the latest)."""
    started = timezone.now()
    problems = check_consistency(checks)
    run = ConsistencyRun.objects.create(
        started_at=started,
        finished_at=timezone.now(),
        trigger=trigger,
        ok=not problems,
        problem_count=len(problems),
        problems=[asdict(p) for p in problems[:MAX_PROBLEMS]],
    )
    return run, problems
