"""Why a case was picked for an audit, in words (the signals are stored as data, read in any language)."""

from django.utils.translation import gettext as _


def explain(signal: dict) -> str:
    code = signal.get("code")
    if code == "near_threshold":
        return _("Score %(score)s is just above the threshold %(threshold)s.") % signal
    if code == "missing_evidence":
        return _("%(items)s scored items have no evidence file.") % signal
    if code == "same_assessor":
        return _("Assessor %(assessor)s scored %(cases)s cases of this decision.") % signal
    return str(signal)
