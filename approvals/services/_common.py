"""What every batch service shares: validation that names each case, and the batch's own audit events."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from audit.services import record_event
from cases.exceptions import CaseActionError


class BatchRefused(CaseActionError):
    """A batch step refused as a whole; `problems` names every case that stopped it."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or []

    def __str__(self):
        return " ".join([self.message, *self.problems])


def refuse_if(problems: list[str], message: str) -> None:
    if problems:
        raise BatchRefused(message, problems)


def run_each(items, apply) -> None:
    """Apply a case service to each item; the first refusal stops the batch and says which case it was."""
    for item, case in items:
        try:
            apply(item)
        except CaseActionError as exc:
            raise BatchRefused(_("Nothing was changed."), [exc.message]) from exc
        except (ValidationError, PermissionDenied) as exc:
            detail = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            raise BatchRefused(
                _("Nothing was changed."),
                [_("Case %(ref)s: %(error)s") % {"ref": case.reference, "error": detail}],
            ) from exc


def audit_batch(
    stream: str, event_type: str, *, actor, data: dict, reason: str = "", role: str = "", unit: str = ""
):
    return record_event(stream, event_type, actor=actor, data=data, reason=reason, role=role, unit=unit)


def deny(message: str):
    raise PermissionDenied(message)
