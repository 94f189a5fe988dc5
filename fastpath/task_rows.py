"""A new viewflow task's rows in one statement: viewflow's task row, its subclass's row and the link to the
task before.

viewflow creates a View task with `task.save()` (an INSERT into viewflow_task, then one into
workflows_casetask: multi-table inheritance) and `task.previous.add(prev)` (a third INSERT). On PostgreSQL the
three are one statement with data-modifying WITH clauses, built from the same INSERTs Django compiles (same
columns, values and pre_save hooks), so the rows are exactly those of the three statements. A step completion
(workflows.engine.completion) adds the finishing of the step before to the same statement.
"""

from datetime import datetime

from django.db import connection
from viewflow.workflow.status import STATUS

from .bulk import insert_with_rows


def insert_linked(task, previous, *, finishing: tuple[int, datetime] | None = None) -> None:
    """Insert the unsaved CaseTask `task` (its derived columns filled) and link it to `previous`
    (task.previous): on PostgreSQL in one statement, elsewhere as task.save() and previous.add() do.

    `finishing` = (owner id, instant): `previous` is finished as a completion by that owner (done, started and
    finished then, out of the queue), as the UPDATEs of Task.objects.update() and of its queue flag would; on
    PostgreSQL in the same statement.
    """
    if connection.vendor != "postgresql":
        _insert_linked_portably(task, previous, finishing)
        return
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


def _insert_linked_portably(task, previous, finishing) -> None:
    model = type(task)
    parent = model._meta.pk.remote_field.model
    if finishing:
        owner_id, instant = finishing
        parent.objects.filter(pk=previous.pk).update(
            status=STATUS.DONE, owner_id=owner_id, started=instant, finished=instant
        )
        model.objects.filter(pk=previous.pk, queued=True).update(queued=False)
    task.save()
    task.previous.add(previous)


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
