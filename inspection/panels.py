"""The inspector's panel on the case file page: links to the case's audit history and sealed dossier."""

from .permissions import can_inspect
from .selectors import inspects_case


def inspection_panel(request, case) -> dict | None:
    """Shown to users who inspect the case's unit; None hides it from everyone else."""
    user = request.user
    if not can_inspect(user) or not inspects_case(user, case):
        return None
    return {"case_pk": case.pk}
