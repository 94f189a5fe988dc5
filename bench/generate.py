"""A fast generator for a benchmark province: units, role users, households, cases, their audit events and
their recognition processes.

The small parts go through the real services (`create_unit`, `assign_role`); the bulk (subjects, households,
cases, audit events, stream heads, reference counters, viewflow processes and tasks) is inserted with
bulk_create. Building cases in a given state directly, without walking the lifecycle services, is acceptable
for benchmark data only.

Layout (deterministic, so a later run can find everything again with `load_world`):
province "90"; communes "90-00001" .. ; villages "90-00001-01" .. ; users "<role>.<unit code>".
"""

import datetime
import functools
import random
import time
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from audit.hashing import chain_hash, normalise
from audit.models import GENESIS_HASH, AuditEvent, StreamHead
from cases.models import Case, ReferenceCounter
from criteria.models import CriteriaSet, TitleType
from criteria.services import adopt_criteria_set
from registry.models import AdministrativeUnit, Household, Role, Subject, SubjectKind, UnitLevel
from registry.services import assign_role, create_unit
from registry.text import fold
from workflows.models import CaseProcess

from .flow_rows import FlowRows
from .province import (
    ALL_UNITS_ROLES,
    ALL_UNITS_USERNAME,
    BATCH,
    COMMUNE_ROLES,
    CURRENT_YEAR_STATES,
    DECIDED_STATES,
    FAMILY,
    GIVEN,
    MIDDLE,
    PROVINCE_CODE,
    PROVINCE_ROLES,
    ROLE_VALID_FROM,
    SCORED_STATES,
    STATE_WEIGHTS,
    TITLE_CODE,
    VILLAGE_ROLES,
    BenchWorld,
    S,
    username_for,
)


def gdht_criteria_set() -> tuple[TitleType, CriteriaSet]:
    title_type = TitleType.objects.get(code=TITLE_CODE)
    criteria_set = (
        CriteriaSet.objects.filter(title_type=title_type, province__isnull=True).order_by("-version").first()
    )
    if criteria_set is None:
        raise RuntimeError("no GDHT criteria set: is the database migrated (criteria 0002)?")
    return title_type, criteria_set


def _world() -> BenchWorld:
    province = AdministrativeUnit.objects.get(code=PROVINCE_CODE)
    units = AdministrativeUnit.objects.order_by("code")
    communes = list(units.filter(parent=province, level=UnitLevel.COMMUNE))
    villages: dict[int, list[AdministrativeUnit]] = defaultdict(list)
    for village in units.filter(parent__in=communes, level=UnitLevel.VILLAGE):
        villages[village.parent_id].append(village)
    title_type, criteria_set = gdht_criteria_set()
    return BenchWorld(province, communes, dict(villages), title_type, criteria_set)


def load_world() -> BenchWorld:
    """The province of an earlier generate()."""
    if not CaseProcess.objects.exists():
        raise RuntimeError(
            "the bench data has no recognition processes (built by an older generator): rebuild it with "
            "BENCH_REBUILD=1"
        )
    return _world()


def generate(
    scale: int,
    *,
    communes: int = 20,
    villages_per_commune: int = 10,
    seed: int = 20250701,
    log: Callable[[str], None] | None = print,
) -> BenchWorld:
    """Build the province with `scale` cases spread evenly over communes x villages."""
    log = log or (lambda _msg: None)
    started = time.perf_counter()
    rng = random.Random(seed)
    now = timezone.now()
    _units(communes, villages_per_commune)
    world = _world()
    _role_users(world)
    _adopt_criteria_set(world)
    log(
        f"  units and {get_user_model().objects.filter(role_assignments__isnull=False).distinct().count()} "
        f"role users in {time.perf_counter() - started:.1f} s"
    )

    villages = world.all_villages()
    base, extra = divmod(scale, len(villages))
    per_village = [base + (1 if i < extra else 0) for i in range(len(villages))]
    users = {
        u.username: u for u in get_user_model().objects.filter(role_assignments__isnull=False).distinct()
    }
    flow = FlowRows(world, users)
    done = 0
    index = 0
    for commune in world.communes:
        with transaction.atomic():
            for village in world.villages[commune.pk]:
                officer = users[username_for(Role.VILLAGE_OFFICER, village)]
                count = per_village[index]
                index += 1
                subjects = create_households(
                    village, count, code_prefix=f"HH-{village.code}", rng=rng, now=now
                )
                cases = _cases_for(world, village, officer, subjects, rng=rng, now=now)
                flow.add(village, cases, rng=rng, now=now)
                done += count
        log(f"  {commune.code}: {done}/{scale} cases, {time.perf_counter() - started:.1f} s")
    log(
        f"  {flow.processes} processes, {flow.open_tasks} open steps ({flow.assigned} claimed), "
        f"{flow.done_tasks} done steps"
    )
    analyze()
    return world


def analyze() -> None:
    """Fresh statistics; on PostgreSQL outside a transaction also VACUUM, so the visibility map is set as
    autovacuum would have left it (index-only scans), instead of whenever autovacuum gets round to it."""
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)" if vacuum else "ANALYZE")


# --- units and users ------------------------------------------------------------------------------------


def _units(communes: int, villages_per_commune: int) -> None:
    province = create_unit(code=PROVINCE_CODE, name="Tỉnh Thử Nghiệm", level=UnitLevel.PROVINCE)
    for c in range(1, communes + 1):
        commune = create_unit(
            code=f"{PROVINCE_CODE}-{c:05d}",
            name=f"Xã Thử Nghiệm {c}",
            level=UnitLevel.COMMUNE,
            parent=province,
        )
        for v in range(1, villages_per_commune + 1):
            create_unit(
                code=f"{commune.code}-{v:02d}",
                name=f"Thôn {v} xã {c}",
                level=UnitLevel.VILLAGE,
                parent=commune,
            )


def _adopt_criteria_set(world: BenchWorld) -> None:
    """The province adopts the set its cases are scored against, for the years the bench generates."""
    this_year = timezone.localdate().year
    for year in range(this_year - 2, this_year + 1):
        adopt_criteria_set(
            world.criteria_set,
            province=world.province,
            year=year,
            decision_reference="1/QĐ-UBND",
            decision_date=datetime.date(this_year - 2, 1, 2),
            actor=None,
        )


def _role_users(world: BenchWorld) -> None:
    wanted = [(role, world.province) for role in PROVINCE_ROLES]
    for commune in world.communes:
        wanted += [(role, commune) for role in COMMUNE_ROLES]
        wanted += [(role, village) for village in world.villages[commune.pk] for role in VILLAGE_ROLES]
    user_model = get_user_model()
    unusable = make_password(None)  # no password hashing per user: the bench logs in with force_login
    user_model.objects.bulk_create(
        [user_model(username=username_for(role, unit), password=unusable) for role, unit in wanted],
        batch_size=BATCH,
    )
    names = [username_for(role, unit) for role, unit in wanted]
    users = {u.username: u for u in user_model.objects.filter(username__in=names)}
    for (role, unit), name in zip(wanted, names, strict=True):
        assign_role(users[name], role=role, unit=unit, actor=None, valid_from=ROLE_VALID_FROM)
    everywhere = user_model.objects.create(username=ALL_UNITS_USERNAME, password=unusable)
    for village in world.all_villages():
        for role in ALL_UNITS_ROLES:
            assign_role(everywhere, role=role, unit=village, actor=None, valid_from=ROLE_VALID_FROM)


# --- households ---------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=8192)
def _folded(name: str) -> str:
    return fold(name)[:200]


@contextmanager
def explicit_timestamps(*fields):
    """Let bulk_create keep the given auto_now/auto_now_add values (bench data carries a history)."""
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def create_households(
    village: AdministrativeUnit,
    count: int,
    *,
    code_prefix: str,
    rng: random.Random | None = None,
    now: datetime.datetime | None = None,
) -> list[Subject]:
    """Insert `count` households in a village: Subject rows by bulk_create, then the Household child rows.

    bulk_create refuses multi-table-inherited models, so the child rows (subject_ptr_id, head_name) go in with
    one executemany. Returns the Subject rows (kind household), with `unit` set to the village.
    """
    rng = rng or random.Random()
    now = now or timezone.now()
    subjects = []
    heads = []
    for i in range(1, count + 1):
        head = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        name = f"Hộ {head}"
        heads.append(head)
        subjects.append(
            Subject(
                kind=SubjectKind.HOUSEHOLD,
                code=f"{code_prefix}-{i:06d}",
                name=name,
                name_folded=_folded(name),
                unit=village,
                area_class=village.area_class,
                address=village.name,
                created_at=now - datetime.timedelta(days=800 + rng.randint(0, 2000)),
            )
        )
    with explicit_timestamps(Subject._meta.get_field("created_at")):
        Subject.objects.bulk_create(subjects, batch_size=BATCH)
    table = connection.ops.quote_name(Household._meta.db_table)
    ptr = connection.ops.quote_name(Household._meta.get_field("subject_ptr").column)
    head_col = connection.ops.quote_name(Household._meta.get_field("head_name").column)
    rows = [(s.pk, head) for s, head in zip(subjects, heads, strict=True)]
    insert = f"INSERT INTO {table} ({ptr}, {head_col}) VALUES (%s, %s)"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(insert, rows[start : start + BATCH])
    return subjects


# --- cases and their audit events ---------------------------------------------------------------------------


def _moment(rng: random.Random, year: int, now: datetime.datetime) -> datetime.datetime:
    start = datetime.datetime(year, 1, 15, tzinfo=datetime.UTC)
    end = min(datetime.datetime(year, 11, 30, tzinfo=datetime.UTC), now - datetime.timedelta(hours=1))
    if end <= start:
        start = end - datetime.timedelta(days=30)
    return start + datetime.timedelta(seconds=rng.uniform(0, (end - start).total_seconds()))


def _cases_for(
    world: BenchWorld,
    village: AdministrativeUnit,
    officer,
    subjects: list[Subject],
    *,
    rng: random.Random,
    now: datetime.datetime,
) -> list[Case]:
    states = list(STATE_WEIGHTS)
    weights = list(STATE_WEIGHTS.values())
    this_year = timezone.localdate().year
    counters: dict[str, int] = defaultdict(int)
    cases = []
    for subject in subjects:
        state = rng.choices(states, weights)[0]
        if state in CURRENT_YEAR_STATES or (state == S.WITHDRAWN and rng.random() < 0.5):
            year = this_year
        else:
            year = this_year - rng.randint(1, 2)
        key = f"{world.title_type.code}-{year}-{village.code}"
        counters[key] += 1
        created = _moment(rng, year, now)
        # last change within 90 days of opening, never later than now (and no pile of ties at "now")
        span = min(datetime.timedelta(days=90), now - created)
        updated = created + span * rng.random()
        case = Case(
            reference=f"{key}-{counters[key]:06d}",
            subject=subject,
            title_type=world.title_type,
            year=year,
            unit=village,
            unit_path=village.path,
            criteria_set=world.criteria_set,
            state=state,
            nominated_by=officer,
            created_at=created,
            updated_at=updated,
        )
        if state in SCORED_STATES:
            refused_in_village = state == S.NOT_RECOGNIZED and rng.random() < 0.5
            case.total_score = Decimal(rng.randint(50, 79) if refused_in_village else rng.randint(80, 100))
            case.meets_criteria = not refused_in_village
        if state in DECIDED_STATES or (state == S.NOT_RECOGNIZED and case.meets_criteria):
            case.decision_reference = f"{rng.randint(1, 999)}/QĐ-UBND"
            case.decision_date = timezone.localtime(updated).date()
        if state == S.NOT_RECOGNIZED:
            case.outcome_reason = "Chưa đạt tiêu chí" if not case.meets_criteria else "Không đủ điều kiện"
        elif state == S.REVOKED:
            case.outcome_reason = "Hậu kiểm phát hiện sai lệch"
        elif state == S.WITHDRAWN:
            case.outcome_reason = "Hộ xin rút"
        cases.append(case)
    with explicit_timestamps(Case._meta.get_field("created_at"), Case._meta.get_field("updated_at")):
        Case.objects.bulk_create(cases, batch_size=BATCH)
    ReferenceCounter.objects.bulk_create([ReferenceCounter(key=k, value=v) for k, v in counters.items()])
    _nomination_events(world, village, officer, cases)
    return cases


# Each case stream holds its nomination plus this many later events (evidence added, personal data
# viewed), so the audit log is ten times the case count: 1 million events at the default 100,000 cases, the
# size the verify_audit and audit_search budgets are stated for.
HISTORY_EVENTS_PER_CASE = 9


def _nomination_events(world: BenchWorld, village: AdministrativeUnit, officer, cases: list[Case]) -> None:
    """Each case's stream: "case.nominated" then HISTORY_EVENTS_PER_CASE later events, chained from the
    genesis hash exactly as record_event would write them (same hashed values, scope = the village's path)."""
    events = []
    heads = []
    for case in cases:
        values = {
            "stream": case.stream,
            "seq": 1,
            "event_type": "case.nominated",
            "actor_id": officer.pk,
            "actor_name": officer.get_username(),
            "actor_role": Role.VILLAGE_OFFICER.value,
            "actor_unit": village.code,
            "occurred_at": case.created_at,
            "data": normalise(
                {
                    "to": S.NOMINATED.value,
                    "subject": case.subject.code,
                    "title": world.title_type.code,
                    "year": case.year,
                    "criteria_set": world.criteria_set.pk,
                    "criteria_set_version": world.criteria_set.version,
                }
            ),
            "reason": "",
            "request_id": "",
            "ip": None,
        }
        prev = GENESIS_HASH
        for n in range(1 + HISTORY_EVENTS_PER_CASE):
            if n:
                values = _history_values(case, village, officer, n)
            digest = chain_hash(prev, values)
            events.append(AuditEvent(prev_hash=prev, hash=digest, scope=village.path, **values))
            prev = digest
        heads.append(StreamHead(stream=case.stream, seq=1 + HISTORY_EVENTS_PER_CASE, hash=prev))
    AuditEvent.objects.bulk_create(events, batch_size=BATCH)
    StreamHead.objects.bulk_create(heads, batch_size=BATCH)


def _history_values(case: Case, village: AdministrativeUnit, officer, n: int) -> dict:
    """The n-th later event of a case: by turns an evidence upload and a view of the household's members."""
    evidence = n % 2 == 1
    return {
        "stream": case.stream,
        "seq": 1 + n,
        "event_type": "evidence.added" if evidence else "personal_data.viewed",
        "actor_id": officer.pk,
        "actor_name": officer.get_username(),
        "actor_role": Role.VILLAGE_OFFICER.value,
        "actor_unit": village.code,
        "occurred_at": case.created_at + datetime.timedelta(seconds=n),
        "data": normalise(
            {"item": f"1.{n}", "name": f"minh-chung-{n}.pdf", "size": 1024 * n, "sha256": f"{case.pk:064x}"}
            if evidence
            else {"what": "household_members", "case": case.reference}
        ),
        "reason": "",
        "request_id": "",
        "ip": None,
    }
