"""The demo's collective steps, through the approvals services: each commune's household list decided by one
signed decision, and — left for the visitor — a draft decision and an open village meeting."""

from collections import defaultdict

from approvals import services
from cases.models import Case
from registry.models import Role as R
from workflows import services as workflow


def _signer(user) -> str:
    return f"{user.last_name} {user.first_name}".strip() or user.get_username()


def sign_commune_decisions(entries, *, refusal_reason) -> None:
    """One decision per commune for its recognised and refused household cases; `entries` are the seeder's
    [local, village, case, scenario] rows, whose case is replaced by the decided one."""
    by_commune = defaultdict(list)
    for entry in entries:
        by_commune[entry[0].unit.pk].append(entry)
    for rows in by_commune.values():
        local = rows[0][0]
        decision = services.draft_decision(
            local.unit,
            title_type=rows[0][2].title_type,
            year=rows[0][2].year,
            cases=[row[2] for row in rows],
            actor=local.users[R.COMMUNE_OFFICER],
        )
        refused = {row[2].pk for row in rows if row[3] == "refused"}
        services.record_outcomes(
            decision,
            outcomes={e.pk: (False, refusal_reason()) for e in decision.entries.filter(case_id__in=refused)},
            actor=local.users[R.COMMUNE_OFFICER],
        )
        chair = local.users[R.COMMUNE_CHAIR]
        workflow.sign_decision(decision, actor=chair, signer_name=_signer(chair))
        decided = Case.objects.in_bulk([row[2].pk for row in rows])
        for row in rows:
            row[2] = decided[row[2].pk]


def leave_work_in_progress(entries, *, meeting_date) -> None:
    """In the first commune: a draft decision over its proposed cases, and an open meeting (posted for
    comments) in the first village that has scored cases."""
    proposed = [e for e in entries if e[3] == "village_reviewed"]
    if proposed:
        local = proposed[0][0]
        mine = [e[2] for e in proposed if e[0] is local]
        services.draft_decision(
            local.unit,
            title_type=mine[0].title_type,
            year=mine[0].year,
            cases=mine,
            actor=local.users[R.COMMUNE_OFFICER],
        )
    scored = [e for e in entries if e[3] == "scored"]
    if scored:
        local, village = scored[0][0], scored[0][1]
        head = local.village_users[(village.pk, R.VILLAGE_HEAD)]
        cases = [e[2] for e in scored if e[1].pk == village.pk]
        services.open_session(
            village,
            title_type=cases[0].title_type,
            year=cases[0].year,
            meeting_date=meeting_date,
            location=f"Nhà văn hóa {village.name}",
            chair=_signer(head),
            attendees=f"{_signer(head)}, trưởng thôn\nĐại diện chi hội khuyến học\nĐại diện Mặt trận thôn",
            cases=cases,
            actor=head,
        )
