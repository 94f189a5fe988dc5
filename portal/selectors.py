"""What a stranger who knows a case number and its check digits may learn: the case's title and year, where
it stands, the dates of its steps and the outcome. Nothing else: no name, no score, no reason."""

import hmac

from django.db.models import Q

from cases.models import Case
from notifications.models import HouseholdNotice
from registry.models import Household, SubjectKind
from workflows.steps.panel import case_progress

# Compared against when there is no case or no check value, so that every failed lookup does the same work.
_NOTHING = "\x00" * 4
CHECKS_PER_CASE = 2


def check_values(case: Case) -> list[str]:
    """The four-digit values that open a case: of its household's head's citizen ID and of its phone (a
    citizen's: of the household they belong to). Subjects that are not households follow their case through
    the office."""
    subject = case.subject
    if subject.kind == SubjectKind.HOUSEHOLD:
        household = subject.household
    elif subject.kind == SubjectKind.PERSON:
        household = subject.person.member_of
    else:
        household = None
    if household is None:
        return []
    return [value for value in (household.head_id_last4, household.phone[-4:]) if len(value) == 4]


def matching_case(reference: str, check: str) -> Case | None:
    """The case with this number if `check` is one of its check values, else None: one query and the same
    comparisons whether the number or the digits are wrong."""
    case = (
        Case.objects.select_related("title_type", "subject__household", "subject__person__member_of")
        .filter(reference=reference)
        .first()
    )
    values = check_values(case) if case is not None else []
    values = (values + [_NOTHING] * CHECKS_PER_CASE)[:CHECKS_PER_CASE]
    matched = False
    for value in values:
        matched |= hmac.compare_digest(value.encode(), check.encode())
    return case if matched and case is not None else None


def public_status(case: Case) -> dict:
    progress = case_progress(case) or {"steps": [], "due": None}
    return {
        "reference": case.reference,
        "title": case.title_type.name,
        "year": case.year,
        "state": case.get_state_display(),
        "steps": progress["steps"],
        "due": progress["due"],
        "decision_date": case.decision_date,
    }


def phone_registered(phone: str) -> bool:
    return Household.objects.filter(phone=phone).exists()


def own_cases(phone: str, *, limit: int = 50) -> list[Case]:
    """The cases of the households that gave this phone, and of their citizens, newest year first."""
    return list(
        Case.objects.select_related("title_type")
        .filter(Q(subject__household__phone=phone) | Q(subject__person__member_of__phone=phone))
        .order_by("-year", "reference")[:limit]
    )


def texts_wanted(phone: str) -> bool:
    return Household.objects.filter(phone=phone, texts_opt_out=False).exists()


def notices(phone: str, *, limit: int = 20) -> list[HouseholdNotice]:
    """The text messages sent (or held back) about the household's cases, newest first."""
    return list(HouseholdNotice.objects.filter(household__phone=phone).order_by("-created_at", "-pk")[:limit])
