"""The viewflow rows the recognition flow would have left for the generated cases (bench.generate)."""

import datetime
import random

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from viewflow.workflow.fields import get_flow_ref, get_task_ref
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import PROCESS, STATUS

from cases.models import Case
from registry.models import AdministrativeUnit
from workflows.deadlines import due_for
from workflows.flows import RecognitionFlow
from workflows.models import CaseProcess, CaseTask

from .province import (
    ALL_UNITS_EVERY,
    ALL_UNITS_USERNAME,
    ASSIGNED_SHARE,
    BATCH,
    DUE_SPREAD_DAYS,
    HISTORY_SHARE,
    STEP_OF_STATE,
    STEP_ROLES,
    STEPS,
    BenchWorld,
    S,
    username_for,
)

# --- recognition processes and their steps ------------------------------------------------------------------


def steps_behind(case: Case, rng: random.Random) -> list[str]:
    """The human steps a case in its state has completed (a withdrawn case: up to the step it left at)."""
    if case.state in STEP_OF_STATE:
        return list(STEPS[: STEPS.index(STEP_OF_STATE[case.state])])
    if case.state in (S.DISTRICT_AUDITED, S.REVOKED):
        return list(STEPS)
    if case.state == S.NOT_RECOGNIZED:  # refused by the village meeting, or by the commune
        return list(STEPS[:4] if case.meets_criteria else STEPS[:3])
    return list(STEPS[: rng.randint(1, 4)])  # withdrawn: the open step ends with the withdrawal


class FlowRows:
    """The viewflow rows RecognitionFlow would have left for bulk-made cases, inserted per village.

    One process per case (viewflow_process + workflows_caseprocess; NEW while the case is open, DONE with
    `finished` once it is closed), the open human step of every open case (NEW, or ASSIGNED to the unit's
    role user), and for HISTORY_SHARE of the cases DONE steps for the steps behind them. Values as the flow
    writes them: flow_class / flow_task as viewflow's string references, flow_task_type HUMAN, the step's
    owner_permission on the case's unit (the audit step: on the audit unit), the case as process artifact.
    The flow's START/SWITCH/END tasks and the `previous` links are left out: nothing reads them, and
    perform_step only needs the open human task and its process.
    """

    def __init__(self, world: BenchWorld, users: dict):
        self.world = world
        self.users = users
        self.all_units_user = users[ALL_UNITS_USERNAME]
        self.flow_ref = get_flow_ref(RecognitionFlow)
        self.task_ref = {step: get_task_ref(getattr(RecognitionFlow, step)) for step in STEPS}
        self.permission = {step: getattr(RecognitionFlow, step)._owner_permission for step in STEPS}
        self.case_type = ContentType.objects.get_for_model(Case)
        self.unit_type = ContentType.objects.get_for_model(AdministrativeUnit, for_concrete_model=False)
        self.processes = self.open_tasks = self.assigned = self.done_tasks = self.claimed_collect = 0

    def _actor_unit(self, village: AdministrativeUnit, step: str) -> AdministrativeUnit:
        if step == "decide":
            return self.world.commune_of(village)
        if step == "audit":
            return self.world.province
        return village

    def _owner(self, village: AdministrativeUnit, step: str):
        return self.users[username_for(STEP_ROLES[step], self._actor_unit(village, step))]

    def add(self, village: AdministrativeUnit, cases: list[Case], *, rng: random.Random, now) -> None:
        audit_unit = village.audit_unit() or self.world.province
        permission_obj = {step: str(village.pk) for step in STEPS}
        permission_obj["audit"] = str(audit_unit.pk)
        owners = {step: self._owner(village, step) for step in STEPS}

        processes = []
        for case in cases:
            closed = case.state not in STEP_OF_STATE
            processes.append(
                Process(
                    flow_class=self.flow_ref,
                    status=PROCESS.DONE if closed else PROCESS.NEW,
                    created=case.created_at,
                    finished=case.updated_at if closed else None,
                    artifact_content_type=self.case_type,
                    artifact_object_id=case.pk,
                )
            )
        Process.objects.bulk_create(processes, batch_size=BATCH)
        _insert_children(
            CaseProcess,
            ["process_ptr", "case"],
            [(p.pk, c.pk) for p, c in zip(processes, cases, strict=True)],
        )
        self.processes += len(processes)

        tasks: list[tuple[Task, Case, datetime.datetime | None]] = []  # (task, its case, due_at)
        for case, process in zip(cases, processes, strict=True):
            behind = steps_behind(case, rng) if rng.random() < HISTORY_SHARE else []
            moments = sorted(
                case.created_at + (case.updated_at - case.created_at) * rng.random()
                for _ in range(2 * len(behind))
            )
            for n, step in enumerate(behind):
                created, finished = moments[2 * n], moments[2 * n + 1]
                withdrawn = case.state == S.WITHDRAWN and n == len(behind) - 1
                task = self._task(process, step, permission_obj, status=STATUS.DONE, created=created)
                task.owner = owners["collect"] if withdrawn else owners[step]
                task.started = finished
                task.finished = finished
                tasks.append((task, case, due_for(step, start=created)))
                self.done_tasks += 1
            step = STEP_OF_STATE.get(case.state)
            if step is None:
                continue
            task = self._task(process, step, permission_obj, status=STATUS.NEW, created=case.updated_at)
            if rng.random() < ASSIGNED_SHARE:
                task.status = STATUS.ASSIGNED
                task.owner = owners[step]
                if step == "collect":  # every ALL_UNITS_EVERY-th claimed collect step, the first included
                    if self.claimed_collect % ALL_UNITS_EVERY == 0:
                        task.owner = self.all_units_user
                    self.claimed_collect += 1
                self.assigned += 1
            due = now + datetime.timedelta(seconds=rng.uniform(-1, 1) * DUE_SPREAD_DAYS * 86400)
            tasks.append((task, case, due))
            self.open_tasks += 1
        Task.objects.bulk_create([t for t, _case, _due in tasks], batch_size=BATCH)
        adapt = connection.ops.adapt_datetimefield_value
        _insert_children(
            CaseTask,
            ["task_ptr", "due_at", "case", "unit", "step", "queued", "pause_reason"],
            [
                (
                    t.pk,
                    adapt(due),
                    c.pk,
                    c.unit_id,
                    t.flow_task.rsplit(".", 1)[-1],
                    t.status == STATUS.NEW,
                    "",
                )
                for t, c, due in tasks
            ],
        )

    def _task(self, process: Process, step: str, permission_obj: dict, *, status: str, created) -> Task:
        return Task(
            process=process,
            flow_task=self.task_ref[step],
            flow_task_type="HUMAN",
            status=status,
            created=created,
            owner_permission=self.permission[step],
            owner_permission_content_type=self.unit_type,
            owner_permission_obj_pk=permission_obj[step],
        )


def _insert_children(model, field_names: list[str], rows: list[tuple]) -> None:
    """Insert the child rows of multi-table-inherited models (bulk_create refuses them) by executemany."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(f).column) for f in field_names)
    marks = ", ".join(["%s"] * len(field_names))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows[start : start + BATCH]
            )
