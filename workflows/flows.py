"""The recognition flow, built from the step table, and how a case enters it. viewflow records who must act
next; `Case.state` decides where the flow goes. (This module's path is stored in every process and task row,
"workflows/flows.RecognitionFlow.<step>": the flow stays here.)"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from cases import services as case_services
from cases.models import Case
from cases.permissions import can_nominate
from registry.households import create_household

from .engine.nodes import build_flow
from .steps.table import STEPS

RecognitionFlow = build_flow("RecognitionFlow", STEPS, module=__name__)


@transaction.atomic
def open_case(subject, *, title_type, year: int, actor, flow=RecognitionFlow) -> Case:
    """Nominate a subject and start its recognition process; the first step lands in the village's queue."""
    case = case_services.nominate_case(subject, title_type=title_type, year=year, actor=actor)
    flow.start.run(case=case)
    return case


@transaction.atomic
def nominate_new_household(
    village,
    *,
    head_name: str,
    address: str,
    members: list[dict],
    title_type,
    year: int,
    actor,
    phone: str = "",
    head_id_last4: str = "",
) -> Case:
    """Register a household in a village and open its case: afterwards both exist, or neither does."""
    if not can_nominate(actor, village):
        raise PermissionDenied(
            _("You are not allowed to nominate cases in %(unit)s.") % {"unit": village.name}
        )
    household = create_household(
        village,
        head_name=head_name,
        address=address,
        members=members,
        phone=phone,
        head_id_last4=head_id_last4,
        actor=actor,
    )
    return open_case(household, title_type=title_type, year=year, actor=actor)
