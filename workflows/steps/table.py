"""The recognition steps, each declared once: who takes it, on which cases, how it can end (the case
transition, the service, the form, the button, the message), when it is due and what its page shows.

workflows.flows builds RecognitionFlow from STEPS; the work lists, the case file's panel, the step pages, the
deadline policy and the step's completion read it. A title with its own path adds a Step with `titles`.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals import services as approval_services
from cases import services as case_services
from cases import transitions as T
from cases.models import Case, CaseState
from criteria.authority import authority_for

from . import pages
from .base import Outcome, Step, StepTable
from .forms import CompleteCollectionForm, ConfirmAuditForm, DecideForm, ReasonForm, ReviewForm


def decide_by_decision(case: Case, *, recognised: bool, reason: str = "", **decision) -> Case:
    """The decision on one case, from its step page: a one-case decision drafted and signed at once by whoever
    the title's recognition authority names (approvals.decide_one: actor, signer_name, held), so the case is
    decided under a numbered decision (PDF, certificate) like any batch. Returns the decided case."""
    if not recognised and not (reason or "").strip():
        raise ValidationError({"reason": _("A reason is required.")})
    return approval_services.decide_one(case, recognised=recognised, reason=reason, **decision)[1]


def _ref(case):
    return {"ref": case.reference}


def _reason_form(label=None):
    return lambda case, data, prefix: ReasonForm(data, prefix=prefix, reason_label=label)


def _plain(form_class):
    return lambda case, data, prefix: form_class(data, prefix=prefix)


WITHDRAW = Outcome(
    (T.WITHDRAW,),
    case_services.withdraw_case,
    _reason_form(),
    gettext_lazy("Withdraw case"),
    lambda c: _("Case %(ref)s was withdrawn.") % _ref(c),
    side=True,
    own_work=False,
)
RETURN = Outcome(
    (T.RETURN,),
    case_services.return_for_rework,
    _reason_form(gettext_lazy("What must be fixed")),
    gettext_lazy("Return for rework"),
    lambda c: _("Case %(ref)s was returned to evidence collection.") % _ref(c),
    side=True,
)


def _scored(case):
    if case.meets_criteria:
        return _("The score sheet of case %(ref)s was saved; it meets the criteria.") % _ref(case)
    return _("The score sheet of case %(ref)s was saved; it does not meet the criteria.") % _ref(case)


def self_assess(case: Case, *, values, actor, held=None, **kwargs) -> Case:
    """A learning citizen's self-assessment against the Decision 244 competence groups, entered on the
    citizen's behalf by the village branch officer (until citizens have their own way in)."""
    return case_services.score_case(
        case, values=values, actor=actor, held=held, transition=T.SELF_ASSESS, **kwargs
    )


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


def _case_unit(case):
    return case.unit


def _acting_unit(actor: str):
    """The unit where the title's recognition authority has `actor` act on the case (criteria.authority)."""

    def unit(case):
        return authority_for(case.title_type_id, case.unit_path).acting_unit(actor, case.unit)

    return unit


STEPS = StepTable(
    (
        Step(
            key="collect",
            label=gettext_lazy("Collect evidence"),
            milestone=gettext_lazy("Evidence collected"),
            opens_on=CaseState.NOMINATED,
            action="collect_evidence",
            permission_unit=_case_unit,
            working_days=10,
            page=pages.collect_evidence,
            outcomes={
                "complete": Outcome(
                    (T.COLLECT,),
                    case_services.complete_evidence_collection,
                    _plain(CompleteCollectionForm),
                    gettext_lazy("Complete evidence collection"),
                    lambda c: (
                        _("Evidence collection for case %(ref)s is complete; it goes to scoring.") % _ref(c)
                    ),
                ),
                "withdraw": WITHDRAW,
            },
        ),
        Step(
            key="score",
            label=gettext_lazy("Score"),
            milestone=gettext_lazy("Scored"),
            opens_on=CaseState.EVIDENCE_COLLECTED,
            action="score",
            permission_unit=_case_unit,
            working_days=5,
            page=pages.evidence_to_score,
            outcomes={
                "score": Outcome(
                    (T.SCORE,),
                    case_services.score_case,
                    pages.score_sheet_form,
                    gettext_lazy("Save the score sheet"),
                    _scored,
                ),
                "return": RETURN,
                "withdraw": WITHDRAW,
            },
        ),
        Step(
            key="self_assess",
            label=gettext_lazy("Self-assessment"),
            milestone=gettext_lazy("Self-assessed"),
            opens_on=CaseState.EVIDENCE_COLLECTED,
            action="self_assess",
            permission_unit=_case_unit,
            working_days=10,
            page=pages.evidence_to_score,
            titles=frozenset({"CONGDAN"}),
            template="workflows/step_score.html",
            outcomes={
                "score": Outcome(
                    (T.SELF_ASSESS,),
                    self_assess,
                    pages.score_sheet_form,
                    gettext_lazy("Save the self-assessment"),
                    _scored,
                ),
                "withdraw": WITHDRAW,
            },
        ),
        Step(
            key="review",
            label=gettext_lazy("Village review"),
            milestone=gettext_lazy("Village review"),
            opens_on=CaseState.SCORED,
            action="review_in_village",
            permission_unit=_acting_unit("proposer"),
            working_days=10,
            page=pages.score_summary,
            outcomes={
                "review": Outcome(
                    (T.PROPOSE, T.NOT_PROPOSE),
                    case_services.review_in_village,
                    _plain(ReviewForm),
                    gettext_lazy("Record the review"),
                    _reviewed,
                ),
                "return": RETURN,
                "withdraw": WITHDRAW,
            },
        ),
        Step(
            key="decide",
            label=gettext_lazy("Recognition decision"),
            milestone=gettext_lazy("Recognition decision"),
            opens_on=CaseState.VILLAGE_REVIEWED,
            action="decide",
            permission_unit=_acting_unit("decider"),
            working_days=10,
            page=pages.score_summary,
            outcomes={
                "decide": Outcome(
                    (T.RECOGNISE, T.REFUSE),
                    decide_by_decision,
                    _plain(DecideForm),
                    gettext_lazy("Record the decision"),
                    _decided,
                ),
                "withdraw": WITHDRAW,
            },
        ),
        Step(
            key="audit",
            label=gettext_lazy("Audit"),
            milestone=gettext_lazy("Audit"),
            opens_on=CaseState.COMMUNE_DECIDED,
            action="audit",
            permission_unit=_acting_unit("auditor"),
            working_days=20,
            page=pages.score_summary,
            outcomes={
                "confirm": Outcome(
                    (T.CONFIRM_AUDIT,),
                    case_services.audit_in_district,
                    _plain(ConfirmAuditForm),
                    gettext_lazy("Confirm the decision"),
                    lambda c: _("The recognition of case %(ref)s was confirmed by the audit.") % _ref(c),
                ),
                "revoke": Outcome(
                    (T.REVOKE,),
                    case_services.revoke_case,
                    _reason_form(gettext_lazy("Audit finding")),
                    gettext_lazy("Revoke recognition"),
                    lambda c: _("The recognition of case %(ref)s was revoked.") % _ref(c),
                    side=True,
                ),
            },
        ),
    )
)
