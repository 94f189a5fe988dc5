"""The numbered proposal ("tờ trình đề nghị công nhận"): the commune's Study Promotion Association compiles
the cases its villages proposed into one numbered document, which the decision then cites (number, date).

Who compiles it, at which level and under which number suffix is the title's recognition authority's
(criteria.authority: proposal_role, proposal_level, proposal_suffix); a title whose authority names nobody
needs no proposal. The proposal changes no case's state: it is the paper the decision rests on.
"""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import RECOGNISED_STATES, Case
from cases.permissions import acting_grant
from criteria.authority import Authority, authority_for

from ..models import DecisionCounter, Proposal, ProposalEntry
from ._common import BatchRefused, audit_batch, deny, listable_problems, refuse_if


def can_compile_proposal(user, unit, title_type_id: int) -> bool:
    """Whether the user compiles this title's proposals at this very unit (the authority's proposal role)."""
    authority = authority_for(title_type_id, unit.path)
    if not authority.proposal_role or unit.level != authority.proposal_level:
        return False
    grant = acting_grant(user, "proposal", title_type_id, unit.path)
    return grant is not None and grant.unit_path == unit.path


def _problems(unit, title_type_id: int, year: int, cases: list[Case]) -> list[str]:
    on_proposal = set(ProposalEntry.objects.filter(case__in=cases).values_list("case_id", flat=True))
    return listable_problems(
        unit,
        title_type_id,
        year,
        cases,
        taken=on_proposal,
        taken_message=_("Case %(ref)s is already on a proposal."),
    )


def _next_number(unit, year: int, series: str) -> int:
    """The unit's next number of the year in the series, from its counter row (locked until commit)."""
    counter, created = DecisionCounter.objects.select_for_update().get_or_create(
        commune=unit, year=year, series=series, defaults={"value": 1}
    )
    if not created:
        DecisionCounter.objects.filter(pk=counter.pk).update(value=F("value") + 1)
        counter.refresh_from_db(fields=["value"])
    return counter.value


@transaction.atomic
def compile_proposal(
    unit,
    *,
    title_type,
    year: int,
    cases: Iterable[Case],
    actor,
    proposed_on: datetime.date | None = None,
    note: str = "",
) -> Proposal:
    """Issue the numbered proposal of `unit` (the commune) listing cases its villages proposed: one case or a
    whole list. Refused as a whole, naming each case that stops it; nothing is written then."""
    authority: Authority = authority_for(title_type.pk, unit.path)
    if not can_compile_proposal(actor, unit, title_type.pk):
        deny(_("You cannot issue proposals of %(unit)s for this title.") % {"unit": unit.name})
    cases = list(Case.objects.filter(pk__in=[c.pk for c in cases]).select_for_update().order_by("pk"))
    if not cases:
        raise BatchRefused(_("Select at least one case for the proposal."))
    day = proposed_on or timezone.localdate()
    if day > timezone.localdate():
        raise BatchRefused(_("The proposal date cannot be in the future."))
    refuse_if(_problems(unit, title_type.pk, year, cases), _("The proposal was not issued."))
    proposal = Proposal(
        unit=unit,
        title_type=title_type,
        year=year,
        number=_next_number(unit, year, authority.proposal_suffix),
        suffix=authority.proposal_suffix,
        proposed_on=day,
        note=(note or "").strip(),
        created_by=actor,
    )
    proposal.save()
    ProposalEntry.objects.bulk_create(ProposalEntry(proposal=proposal, case=c) for c in cases)
    grant = acting_grant(actor, "proposal", title_type.pk, unit.path)
    audit_batch(
        proposal,
        "proposal.issued",
        actor=actor,
        data={
            "number": proposal.reference,
            "proposed_on": proposal.proposed_on,
            "unit": unit.code,
            "year": year,
            "cases": [c.reference for c in cases],
        },
        role=grant.role,
        unit=grant.unit_code,
    )
    return proposal


def proposal_problems(authority: Authority, cases: list[Case]) -> list[str]:
    """For a title whose decision cites the Association's proposal: the cases not on one yet."""
    if not authority.proposal_role:
        return []
    proposed = set(ProposalEntry.objects.filter(case__in=cases).values_list("case_id", flat=True))
    return [
        _("Case %(ref)s is not on a proposal of the Study Promotion Association yet.") % {"ref": c.reference}
        for c in cases
        if c.pk not in proposed
    ]


def _months_after(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = (datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(day.day, last))


def level_problems(authority: Authority, cases: list[Case], *, on: datetime.date) -> list[str]:
    """Level 2 is not recognised earlier than the authority's months after the subject's level 1 was
    (Circular 25/2023: 12 months): the cases that would be."""
    months = authority.months_between_levels
    if not months:
        return []
    problems = []
    for case in cases:
        if case.level != 2:
            continue
        first = (
            Case.objects.filter(
                subject_id=case.subject_id,
                title_type_id=case.title_type_id,
                level=1,
                state__in=RECOGNISED_STATES,
                decision_date__isnull=False,
            )
            .exclude(pk=case.pk)
            .order_by("-decision_date")
            .first()
        )
        if first is None:
            problems.append(
                _("Case %(ref)s: level 2 needs level 1 recognised first.") % {"ref": case.reference}
            )
            continue
        earliest = _months_after(first.decision_date, months)
        if on < earliest:
            problems.append(
                _(
                    "Case %(ref)s: level 2 cannot be recognised before %(earliest)s, %(months)s months after "
                    "level 1 was recognised (decision %(number)s of %(date)s)."
                )
                % {
                    "ref": case.reference,
                    "earliest": earliest.strftime("%d/%m/%Y"),
                    "months": months,
                    "number": first.decision_reference,
                    "date": first.decision_date.strftime("%d/%m/%Y"),
                }
            )
    return problems
