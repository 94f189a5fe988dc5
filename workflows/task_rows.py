"""A new step's rows in one statement: viewflow's task row, our CaseTask row and the link to the step before.

viewflow creates a View task with `task.save()` (an INSERT into viewflow_task, then one into
workflows_casetask: multi-table inheritance) and `task.previous.add(prev)` (a third INSERT). On PostgreSQL the
three are one statement with data-modifying WITH clauses, built from the same INSERTs Django compiles (same
columns, values and pre_save hooks), so the rows are exactly those of the three statements. A step completion
(workflows.completion) adds the finishing of the step before to the same statement.
"""

from datetime import datetime

from django.db import connection
from viewflow.workflow.nodes.end import EndActivation
from viewflow.workflow.nodes.view import ViewActivation
from viewflow.workflow.status import STATUS

from audit.bulk import insert_with_rows


def insert_linked(task, previous, *, finishing: tuple[int, datetime] | None = None) -> None:
    """Insert the unsaved CaseTask `task` and link it to `previous` (task.previous), in one statement.

    `finishing` = (owner id, instant): the same statement finishes `previous` as a completion by that owner
    (done, started and finished then, out of the queue), as the UPDATEs of Task.objects.update() and of its
    queue flag would.
    """
    model = type(task)
    parent_link = model._meta.pk  # task_ptr
    parent = parent_link.remote_field.model
    link = parent._meta.get_field("previous").remote_field.through(to_task_id=previous.pk)
    before = (
        (_finishing_sql(parent, model), _finishing_params(parent, previous, finishing))
        if finishing
        else ("", ())
    )
    # viewflow's row, then ours and the link, both pointing at it
    pk = insert_with_rows(parent, task, [(task, parent_link.name), (link, "from_task")], before=before)
    setattr(task, parent._meta.pk.attname, pk)
    setattr(task, parent_link.attname, pk)
    task._state.adding, task._state.db = False, connection.alias


def _finishing_sql(parent, model) -> str:
    """The WITH clauses that finish the step before: its task row done, its step out of the queue."""
    quote = connection.ops.quote_name
    return (
        f"f AS (UPDATE {quote(parent._meta.db_table)} SET status = %s, owner_id = %s, started = %s,"  # noqa: S608
        " finished = %s WHERE id = %s),"
        f" q AS (UPDATE {quote(model._meta.db_table)} SET queued = false WHERE task_ptr_id = %s AND queued), "
    )


def _finishing_params(parent, previous, finishing) -> tuple:
    owner_id, instant = finishing
    at = parent._meta.get_field("finished").get_db_prep_save(instant, connection)
    return (STATUS.DONE, owner_id, at, at, previous.pk, previous.pk)


class CaseStepActivation(ViewActivation):
    """ViewActivation whose new tasks insert_linked() writes on PostgreSQL (elsewhere as viewflow does)."""

    @classmethod
    def create(cls, flow_task, prev_activation, token, data=None, seed=None):
        """viewflow's ViewActivation.create, with the task, its row and its link written in one statement."""
        task = flow_task.flow_class.task_class(
            process=prev_activation.process, flow_task=flow_task, token=token
        )
        task.data = data if data is not None else {}
        task.seed = seed
        activation = cls(task)
        owner_permission = flow_task.calc_owner_permission(activation)
        if owner_permission:
            task.owner_permission = owner_permission
            task.owner_permission_obj = flow_task.calc_owner_permission_obj(activation)
        owner = flow_task.calc_owner(activation)
        if owner:
            task.owner = owner
            task.status = STATUS.ASSIGNED
        _save_linked(task, prev_activation.task)
        if flow_task._on_create is not None:
            flow_task._on_create(activation)
        return activation


class CaseEndActivation(EndActivation):
    """EndActivation whose task insert_linked() writes on PostgreSQL (elsewhere as viewflow does)."""

    @classmethod
    def create(cls, flow_task, prev_activation, token, data=None, seed=None):
        """viewflow's Activation.create, with the task, its row and its link written in one statement."""
        task_class = flow_task.flow_class.task_class
        task = task_class(process=prev_activation.process, flow_task=flow_task, token=token)
        task.data = data if data is not None else {}
        task.seed = seed
        _save_linked(task, prev_activation.task)
        return cls(task)


def _save_linked(task, previous) -> None:
    if connection.vendor == "postgresql":
        task._insert_linked_to = previous  # CaseTask.save() calls insert_linked()
        task.save()
    else:
        task.save()
        task.previous.add(previous)
