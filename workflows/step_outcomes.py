"""What each step may end with: the outcome's form, who is offered it, its button and its acknowledgement.

The outcomes themselves (and the case service behind each) are workflows.services.STEP_OUTCOMES; this table
only adds what the step pages need to draw and acknowledge them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import permissions as perms
from cases.models import Case, CaseState
from criteria.models import CriterionItem

from .step_forms import (
    CompleteCollectionForm,
    ConfirmAuditForm,
    DecideForm,
    OutcomeForm,
    ReasonForm,
    ReviewForm,
    ScoreSheetForm,
)


def criteria_items(case: Case):
    """The items of the case's pinned criteria set, in sheet order."""
    return (
        CriterionItem.objects.filter(criterion__criteria_set_id=case.criteria_set_id)
        .select_related("criterion")
        .order_by("criterion__order", "criterion__pk", "order", "pk")
    )


def _score_sheet_form(case: Case, data=None) -> ScoreSheetForm:
    return ScoreSheetForm(
        data,
        prefix="score",
        criteria_set=case.criteria_set,
        items=criteria_items(case),
        scores={s.item_id: s for s in case.scores.all()},
        area_class=case.subject.area_class,
    )


def _reason_form(label=None):
    return lambda case, data, prefix: ReasonForm(data, prefix=prefix, reason_label=label)


def _plain(form_class):
    return lambda case, data, prefix: form_class(data, prefix=prefix)


@dataclass(frozen=True)
class Outcome:
    """How one outcome of a step is offered (button, who sees it) and acknowledged."""

    build: Callable[..., OutcomeForm]
    allowed: Callable[..., bool]
    button: str
    done: Callable[[Case], str]
    side: bool = False  # drawn by step_base.html as a reason form under the step's own form


def _ref(case):
    return {"ref": case.reference}


def _withdraw():
    return Outcome(
        _reason_form(),
        perms.can_withdraw,
        gettext_lazy("Withdraw case"),
        lambda c: _("Case %(ref)s was withdrawn.") % _ref(c),
        side=True,
    )


def _return():
    return Outcome(
        _reason_form(gettext_lazy("What must be fixed")),
        perms.can_return_for_rework,
        gettext_lazy("Return for rework"),
        lambda c: _("Case %(ref)s was returned to evidence collection.") % _ref(c),
        side=True,
    )


def _scored(case):
    if case.meets_criteria:
        return _("The score sheet of case %(ref)s was saved; it meets the criteria.") % _ref(case)
    return _("The score sheet of case %(ref)s was saved; it does not meet the criteria.") % _ref(case)


def _reviewed(case):
    if case.state == CaseState.VILLAGE_REVIEWED:
        return _("Case %(ref)s was proposed for recognition.") % _ref(case)
    return _("Case %(ref)s was not proposed for recognition.") % _ref(case)


def _decided(case):
    if case.state == CaseState.COMMUNE_DECIDED:
        return _("Case %(ref)s was recognised under decision %(number)s.") % {
            **_ref(case),
            "number": case.decision_reference,
        }
    return _("Recognition of case %(ref)s was refused.") % _ref(case)


OUTCOMES: dict[str, dict[str, Outcome]] = {
    "collect": {
        "complete": Outcome(
            _plain(CompleteCollectionForm),
            perms.can_collect_evidence,
            gettext_lazy("Complete evidence collection"),
            lambda c: _("Evidence collection for case %(ref)s is complete; it goes to scoring.") % _ref(c),
        ),
        "withdraw": _withdraw(),
    },
    "score": {
        "score": Outcome(
            lambda case, data, prefix: _score_sheet_form(case, data),
            perms.can_score,
            gettext_lazy("Save the score sheet"),
            _scored,
        ),
        "return": _return(),
        "withdraw": _withdraw(),
    },
    "review": {
        "review": Outcome(
            _plain(ReviewForm), perms.can_review_in_village, gettext_lazy("Record the review"), _reviewed
        ),
        "return": _return(),
        "withdraw": _withdraw(),
    },
    "decide": {
        "decide": Outcome(
            _plain(DecideForm), perms.can_decide, gettext_lazy("Record the decision"), _decided
        ),
        "withdraw": _withdraw(),
    },
    "audit": {
        "confirm": Outcome(
            _plain(ConfirmAuditForm),
            perms.can_audit,
            gettext_lazy("Confirm the decision"),
            lambda c: _("The recognition of case %(ref)s was confirmed by the audit.") % _ref(c),
        ),
        "revoke": Outcome(
            _reason_form(gettext_lazy("Audit finding")),
            perms.can_revoke,
            gettext_lazy("Revoke recognition"),
            lambda c: _("The recognition of case %(ref)s was revoked.") % _ref(c),
            side=True,
        ),
    },
}
