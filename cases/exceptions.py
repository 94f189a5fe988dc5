from django.utils.translation import gettext as _


class CaseActionError(Exception):
    """A domain refusal with a translated, user-facing message."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidTransition(CaseActionError):
    """The case is not in a state that allows this step: usually because it was already done."""

    @classmethod
    def for_case(cls, case, action_label: str) -> "InvalidTransition":
        return cls(
            _("Cannot “%(action)s”: case %(ref)s is in state “%(state)s”. It may have been done already.")
            % {"action": action_label, "ref": case.reference, "state": case.get_state_display()}
        )
