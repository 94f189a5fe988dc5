"""viewflow's activations of the recognition flow, whose new tasks are written in one statement on PostgreSQL
(fastpath.task_rows.insert_linked; elsewhere, and for every other write, as viewflow does)."""

from viewflow.workflow.nodes.end import EndActivation
from viewflow.workflow.nodes.view import ViewActivation
from viewflow.workflow.status import STATUS

from fastpath.task_rows import insert_linked


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
        save_linked(task, prev_activation.task)
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
        save_linked(task, prev_activation.task)
        return cls(task)


def save_linked(task, previous) -> None:
    """Save a new CaseTask and link it to the task before (task.previous): the rows save() and
    previous.add() write, on PostgreSQL in one statement (fastpath.task_rows.insert_linked)."""
    task.fill_new_row()
    insert_linked(task, previous)
    task.mark_saved()
