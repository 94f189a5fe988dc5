"""Building collective-step state through the real services."""

import datetime

from approvals import services
from cases.models import Case, CaseState
from tests.builders import advance, gdht, make_household, nominate
from workflows import services as workflow

NAMES = [
    "Hộ Nguyễn Văn Đức",
    "Hộ Trần Thị Hương",
    "Hộ Lê Quốc Việt",
    "Hộ Phạm Thị Ngọc Ánh",
    "Hộ Đỗ Văn Hùng",
]


def scored_cases(world, n: int, village=None):
    village = village or world.village_a1
    return [
        advance(
            world, nominate(world, village, household=make_household(village, NAMES[i % 5])), CaseState.SCORED
        )
        for i in range(n)
    ]


def session_for(world, cases, *, posting_days=0, village=None):
    return services.open_session(
        village or world.village_a1,
        title_type=gdht(),
        year=2026,
        meeting_date=datetime.date(2026, 10, 5),
        chair="Nguyễn Văn Trưởng",
        attendees="Nguyễn Văn Trưởng, trưởng thôn\nLê Thị Hoa, chi hội trưởng khuyến học",
        cases=cases,
        actor=world.user("head_a1"),
        posting_days=posting_days,
    )


def proposed_cases(world, n: int):
    cases = scored_cases(world, n)
    workflow.close_session(session_for(world, cases), actor=world.user("head_a1"))
    return list(Case.objects.filter(pk__in=[c.pk for c in cases]).order_by("pk"))


def signed_decision(world, cases, *, refused=()):
    decision = services.draft_decision(
        world.commune_a, title_type=gdht(), year=2026, cases=cases, actor=world.user("commune_officer_a")
    )
    if refused:
        services.record_outcomes(
            decision,
            outcomes={
                e.pk: (False, "Chưa đạt tiêu chí 2") for e in decision.entries.filter(case__in=refused)
            },
            actor=world.user("commune_officer_a"),
        )
    return workflow.sign_decision(decision, actor=world.user("chair_a"), signer_name="Trần Văn Chủ")
