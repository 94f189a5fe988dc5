"""Seeding a demo province through the real services, so every audit chain is genuine."""

import datetime
import random
import time
import zlib
from collections import Counter, defaultdict
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from cases.derived import computed_values
from registry.loading import REFORM_DATE, commune_code, load_province
from registry.models import (
    AdministrativeUnit,
    Clan,
    Community,
    Household,
    HouseholdMember,
    Organisation,
    Person,
    UnitLevel,
)
from registry.selectors import forget_grants
from registry.services import assign_role, create_unit
from registry.text import fold
from reports.targets import BAC_NINH_267, load_plan_targets

from .adoption import adopt_demo_sets
from .data import (
    COMMUNE_ROLES,
    DECIDED,
    DEMO_COMMUNES,
    DEMO_PASSWORD,
    DEMO_PROVINCE,
    DEMO_PROVINCE_SLUG,
    FAMILY_NAMES,
    FEMALE_GIVEN,
    FEMALE_MIDDLE,
    HOUSEHOLD_PREFIX,
    MALE_GIVEN,
    MALE_MIDDLE,
    NOT_PROPOSED_REASONS,
    PASSING,
    PROVINCE_ROLES,
    REFUSAL_REASONS,
    RETURN_REASONS,
    REVIEWED,
    REVOCATION_REASONS,
    SCENARIOS,
    USER_PREFIX,
    VILLAGE_ROLES,
    WITHDRAWAL_REASONS,
    Local,
    R,
    image_bytes,
    pdf_bytes,
)
from .titles import seed_titles


class DemoSeeder:
    def __init__(self, *, households: int = 300, year: int | None = None, seed: int = 2026, log=None):
        self.n_households = households
        self.year = year or timezone.localdate().year
        self.rng = random.Random(seed)
        self.log = log or (lambda message: None)
        self.today = timezone.localdate()
        self.decision_date = min(self.today, datetime.date(self.year, 11, 10))
        self.locals: list[Local] = []
        self.province = None
        self.admin = None
        self.auditor = None
        self.province_users = {}
        self._password = None
        self._item_cache: dict[int, list] = {}
        self._evidence_items: dict[int, list] = {}
        self.timings: dict[str, float] = {}

    # ---- entry point
    @transaction.atomic
    def run(self):
        for name, step in (
            ("units", self.build_units),
            ("targets", self.build_targets),
            ("users", self.build_users),
            ("criteria", self.adopt_criteria_sets),
            ("subjects", self.build_subjects),
            ("cases", self.build_cases),
        ):
            started = time.monotonic()
            step()
            self.timings[name] = time.monotonic() - started

    def build_targets(self):  # Bắc Ninh's own plan 267/KH-UBND for both periods, each with its population
        load_plan_targets(self.province, BAC_NINH_267, actor=None)

    # ---- the province adopts the sets its cases are scored against, this year's and last year's
    def adopt_criteria_sets(self):
        adopt_demo_sets(self.province, years=(self.year - 1, self.year), today=self.today, actor=self.admin)

    # ---- units
    def build_units(self):
        self.province, _created = load_province(DEMO_PROVINCE, wards=[c.ward for c in DEMO_COMMUNES])
        for spec in DEMO_COMMUNES:
            unit = AdministrativeUnit.objects.get(code=commune_code(DEMO_PROVINCE, spec.ward))
            short = unit.name  # "Xã Đại Sơn" -> "Đại Sơn", for the names of its schools and cooperatives
            for prefix in ("Phường ", "Xã ", "Đặc khu "):
                short = short.removeprefix(prefix)
            local = Local(spec=spec, unit=unit, short=short)
            for n, vspec in enumerate(spec.villages, start=1):
                code = f"{unit.code}-{n:02d}"
                village = AdministrativeUnit.objects.filter(code=code).first() or create_unit(
                    code=code,
                    name=vspec.name,
                    level=UnitLevel.VILLAGE,
                    parent=unit,
                    area_class=spec.village_area_class,
                    valid_from=REFORM_DATE,
                )
                local.villages.append((vspec, village))
            self.locals.append(local)

    # ---- users
    def _user(self, username: str, *, male: bool | None = None, **extra):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is not None:
            return user
        if self._password is None:
            self._password = make_password(DEMO_PASSWORD)  # hashed once: hashing is deliberately slow
        male = self.rng.random() < 0.6 if male is None else male
        family, middle, given = self._name_parts(self.rng.choice(FAMILY_NAMES), male)
        # Django's first_name holds the given name ("tên"); last_name the family and middle names ("họ, đệm").
        user = User(
            username=username,
            first_name=given,
            last_name=f"{family} {middle}",
            password=self._password,
            **extra,
        )
        user.save()
        return user

    def _grant(self, user, role, unit):
        assign_role(user, role=role, unit=unit, actor=self.admin, valid_from=REFORM_DATE)
        forget_grants(user)
        return user

    def build_users(self):
        self.admin = self._user("admin", is_superuser=True, is_staff=True)
        self._grant(self.admin, R.ADMINISTRATOR, self.province)
        province_users = {}
        for role in PROVINCE_ROLES:
            user = self._user(f"{USER_PREFIX[role]}.{DEMO_PROVINCE_SLUG}")
            province_users[role] = self._grant(user, role, self.province)
        self.auditor = province_users[R.AUDITOR]
        self.province_users = province_users
        for local in self.locals:
            for vspec, village in local.villages:
                for role in VILLAGE_ROLES:
                    user = self._user(f"{USER_PREFIX[role]}.{vspec.slug}{local.spec.slug}")
                    local.village_users[(village.pk, role)] = self._grant(user, role, village)
            for role in COMMUNE_ROLES:
                user = self._user(f"{USER_PREFIX[role]}.{local.spec.slug}")
                local.users[role] = self._grant(user, role, local.unit)

    # ---- people and subjects
    def _name_parts(self, family: str, male: bool) -> tuple[str, str, str]:
        rng = self.rng
        middles, givens = (MALE_MIDDLE, MALE_GIVEN) if male else (FEMALE_MIDDLE, FEMALE_GIVEN)
        middle = rng.choice(middles)
        given = rng.choice([g for g in givens if g != middle])
        return family, middle, given

    def _full_name(self, family: str, male: bool) -> str:
        return " ".join(self._name_parts(family, male))

    def _household_people(self) -> list[tuple[str, int, str, bool]]:
        """[(full name, birth year, relation, male)], head first."""
        rng, year = self.rng, self.year
        rel = HouseholdMember.Relation
        size = rng.randint(2, 6)
        head_male = rng.random() < 0.8
        head_family = rng.choice(FAMILY_NAMES)
        head_birth = rng.randint(year - 72, year - 26)
        people = [(self._full_name(head_family, head_male), head_birth, rel.HEAD, head_male)]
        children_family = head_family
        if rng.random() < 0.9:
            spouse_family = rng.choice(FAMILY_NAMES)
            spouse_birth = min(year - 20, head_birth + rng.randint(-3, 6) * (1 if head_male else -1))
            spouse = self._full_name(spouse_family, not head_male)
            people.append((spouse, spouse_birth, rel.SPOUSE, not head_male))
            if not head_male:
                children_family = spouse_family
        if len(people) < size and head_birth >= year - 45 and rng.random() < 0.35:
            father = self._full_name(head_family, True)
            people.append((father, head_birth - rng.randint(22, 32), rel.PARENT, True))
        elder_children = head_birth <= year - 58
        while len(people) < size:
            male = rng.random() < 0.5
            if elder_children and len(people) >= 3 and rng.random() < 0.6:
                people.append(
                    (self._full_name(children_family, male), year - rng.randint(3, 17), rel.GRANDCHILD, male)
                )
            else:
                birth = min(year - 1, head_birth + rng.randint(21, 36))
                people.append((self._full_name(children_family, male), birth, rel.CHILD, male))
        return people

    def build_subjects(self):
        villages = [(local, vspec, village) for local in self.locals for vspec, village in local.villages]
        per_village = Counter()
        self.households: list[tuple[Local, AdministrativeUnit, Household]] = []
        members = []
        for i in range(self.n_households):
            # every village gets one household first, then they are spread at random
            local, vspec, village = villages[i] if i < len(villages) else self.rng.choice(villages)
            per_village[village.pk] += 1
            people = self._household_people()
            head = people[0][0]
            household = Household(
                code=f"{HOUSEHOLD_PREFIX}-{village.code}-{per_village[village.pk]:04d}",
                name=f"Hộ {head}",
                head_name=head,
                unit=village,
                address=f"{village.name}, {local.unit.name}, {self.province.name}",
            )
            household.save()
            members += [
                HouseholdMember(household=household, full_name=name, birth_year=birth, relation=relation)
                for name, birth, relation, _male in people
            ]
            self.households.append((local, village, household, people))
        HouseholdMember.objects.bulk_create(members, batch_size=500)
        self.log(f"  {len(self.households)} households, {len(members)} members")

        self.clans, self.organisations, self.persons, self.communities = [], [], [], []
        for local in self.locals:
            in_commune = [(v, h) for loc, v, h, _p in self.households if loc is local]
            by_family = defaultdict(list)
            for _village, household in in_commune:
                by_family[household.head_name.split(" ", 1)[0]].append(household)
            families = sorted(
                (f for f, hs in by_family.items() if len(hs) >= 2), key=lambda f: -len(by_family[f])
            )
            for n, family in enumerate(families[:3], start=1):
                members_of = by_family[family]
                clan = Clan(
                    code=f"DH-{local.unit.code}-{n:02d}",
                    name=f"Dòng họ {family} – {local.unit.name}",
                    unit=local.unit,
                    representative=members_of[0].head_name,
                    address=f"{local.unit.name}, {self.province.name}",
                )
                clan.save()
                clan.households.add(*members_of)
                self.clans.append((local, clan))
            orgs = [
                (f"Trường Tiểu học {local.short}", Organisation.OrgType.SCHOOL, 30),
                (f"Trường Trung học cơ sở {local.short}", Organisation.OrgType.SCHOOL, 35),
                (f"Hợp tác xã Nông nghiệp {local.short}", Organisation.OrgType.COOPERATIVE, 25),
                (
                    f"Trạm Y tế {local.unit.name[:1].lower()}{local.unit.name[1:]}",
                    Organisation.OrgType.AGENCY,
                    10,
                ),
            ]
            for n, (name, org_type, base) in enumerate(orgs, start=1):
                org = Organisation(
                    code=f"DV-{local.unit.code}-{n:02d}",
                    name=name,
                    unit=local.unit,
                    org_type=org_type,
                    member_count=base + self.rng.randint(0, 20),
                    address=f"{local.unit.name}, {self.province.name}",
                )
                org.save()
                self.organisations.append((local, org))
            for vspec, village in local.villages:
                community = Community(
                    code=f"CDT-{village.code}",
                    name=f"{vspec.name} – {local.unit.name}",
                    unit=village,
                    address=f"{local.unit.name}, {self.province.name}",
                )
                community.save()
                self.communities.append((local, village, community))
        # learning citizens: adults of some households
        n_persons = max(len(villages), self.n_households // 20)
        candidates = [
            (loc, v, h, p)
            for loc, v, h, people in self.households
            for p in people
            if 18 <= self.year - p[1] <= 62
        ]
        counter = Counter()
        for local, village, household, person in self.rng.sample(candidates, min(n_persons, len(candidates))):
            counter[village.pk] += 1
            citizen = Person(
                code=f"CDAN-{village.code}-{counter[village.pk]:03d}",
                name=person[0],
                birth_year=person[1],
                member_of=household,
                unit=village,
                address=household.address,
            )
            citizen.save()
            self.persons.append((local, village, citizen))

    # ---- cases
    def _title(self, code):
        from criteria.models import TitleType

        return TitleType.objects.get(code=code)

    def _items(self, case):
        from criteria.models import CriterionItem

        if case.criteria_set_id not in self._item_cache:
            items = list(
                CriterionItem.objects.filter(criterion__criteria_set_id=case.criteria_set_id)
                .select_related("criterion")
                .prefetch_related("evidence_requirements")
                .order_by("criterion__order", "order", "pk")
            )
            self._item_cache[case.criteria_set_id] = items
            self._evidence_items[case.criteria_set_id] = [
                (item, req.description)
                for item in items
                for req in item.evidence_requirements.all()
                if req.required
            ]
        return self._item_cache[case.criteria_set_id]

    def _upload(self, case, item, description: str) -> SimpleUploadedFile:
        slug = "-".join(fold(description).replace(",", " ").split()[:5]) or "minh-chung"
        if fold(description).startswith("anh"):
            colour = tuple(zlib.crc32(f"{case.reference}{item.code}{c}".encode()) % 256 for c in "rgb")
            if self.rng.random() < 0.3:
                return SimpleUploadedFile(f"{slug}.png", image_bytes(colour, "PNG"), content_type="image/png")
            return SimpleUploadedFile(f"{slug}.jpg", image_bytes(colour), content_type="image/jpeg")
        text = f"{case.reference} - {item.code} - {description} - {case.subject.name}"
        return SimpleUploadedFile(f"{slug}.pdf", pdf_bytes(text), content_type="application/pdf")

    def _collect(self, case, actor, *, complete: bool = True, limit: int | None = None):
        from . import through_flow as services

        self._items(case)
        for item, description in self._evidence_items[case.criteria_set_id][:limit]:
            services.add_evidence(case, item=item, upload=self._upload(case, item, description), actor=actor)
        if complete:
            return services.complete_evidence_collection(case, actor=actor)
        return case

    def _points(self, case, *, passing: bool) -> dict:
        """A score sheet: passing ones clear the area's threshold, failing ones fall short of it."""
        items = self._items(case)
        if not passing:
            return {
                i.pk: Decimal(self.rng.randint(int(i.max_points * 3 // 10), int(i.max_points * 6 // 10)))
                for i in items
            }
        # computed items (a clan's share of learning families) take the system's count: the officer's cuts
        # spare their criteria, so the sheet still clears each criterion's minimum
        computed = computed_values(case, items)
        values = {i.pk: computed[i.pk].points if i.pk in computed else Decimal(i.max_points) for i in items}
        spared = {i.criterion_id for i in items if i.pk in computed}
        threshold = case.criteria_set.threshold_for(case.subject.area_class) or Decimal(0)
        total = sum(values.values())
        cuttable = [i for i in items if i.criterion_id not in spared]
        for _ in range(self.rng.randint(0, 6)):
            item = self.rng.choice(cuttable)
            cut = Decimal(self.rng.choice([1, 1, 2]))
            if values[item.pk] - cut >= 0 and total - cut >= threshold + 2:
                values[item.pk] -= cut
                total -= cut
        return values

    def _indicators(self, case, *, level: int | None) -> dict:
        """Pass/fail sheet: level 2, level 1 only, or failing a level-1 indicator (level None)."""
        items = self._items(case)
        values = {i.pk: True for i in items}
        if level == 1:
            for i in items:
                if (i.level or 1) == 2:
                    values[i.pk] = False
        elif level is None:
            values[self.rng.choice([i for i in items if (i.level or 1) == 1]).pk] = False
        return values

    def _scenarios(self, count: int) -> list[str]:
        names, weights = list(SCENARIOS), list(SCENARIOS.values())
        plan = names[:count] + self.rng.choices(names, weights=weights, k=max(0, count - len(names)))
        return plan

    def build_cases(self):
        from . import through_flow as services

        rng, year = self.rng, self.year
        gdht = self._title("GDHT")
        registered = [
            (local, village, household)
            for local, village, household, _p in self.households
            if rng.random() < 0.88
        ]
        plan = list(zip(registered, self._scenarios(len(registered)), strict=True))
        officer = {}
        head = {}
        for local in self.locals:
            for _vspec, village in local.villages:
                officer[village.pk] = local.village_users[(village.pk, R.VILLAGE_OFFICER)]
                head[village.pk] = local.village_users[(village.pk, R.VILLAGE_HEAD)]

        # 1. registration, by the village branch officer
        cases = []
        for (local, village, household), scenario in plan:
            case = services.nominate_case(household, title_type=gdht, year=year, actor=officer[village.pk])
            cases.append([local, village, case, scenario])
        # 2. evidence
        for entry in cases:
            local, village, case, scenario = entry
            if scenario == "withdrawn":
                continue
            if scenario == "nominated":
                if rng.random() < 0.5:  # still collecting: one file in, not declared complete
                    self._collect(case, officer[village.pk], complete=False, limit=1)
                continue
            entry[2] = self._collect(case, officer[village.pk])
        # 3. returned for rework by the assessor; the officer withdraws the faulty file
        for entry in cases:
            local, village, case, scenario = entry
            if scenario != "returned":
                continue
            reason, item_code = rng.choice(RETURN_REASONS)
            entry[2] = services.return_for_rework(case, actor=local.users[R.ASSESSOR], reason=reason)
            faulty = case.evidence.filter(removed_at__isnull=True, item__code=item_code).first()
            if faulty is not None:
                services.remove_evidence(faulty, actor=officer[village.pk], reason=reason)
        # 4. scoring by the commune's assessor
        for entry in cases:
            local, village, case, scenario = entry
            if scenario in PASSING or scenario in ("not_proposed", "scored_low"):
                values = self._points(case, passing=scenario in PASSING)
                entry[2] = services.score_case(case, values=values, actor=local.users[R.ASSESSOR])
        # 5. village meeting
        for entry in cases:
            local, village, case, scenario = entry
            if scenario in REVIEWED:
                entry[2] = services.review_in_village(case, proposed=True, actor=head[village.pk])
            elif scenario == "not_proposed":
                entry[2] = services.review_in_village(
                    case, proposed=False, actor=head[village.pk], reason=rng.choice(NOT_PROPOSED_REASONS)
                )
        # 6. commune decision: one signed decision per commune for its whole list
        from .collective import leave_work_in_progress, sign_commune_decisions

        sign_commune_decisions(
            [e for e in cases if e[3] in DECIDED or e[3] == "refused"],
            refusal_reason=lambda: rng.choice(REFUSAL_REASONS),
        )
        leave_work_in_progress(cases, meeting_date=self.decision_date)
        # 7. audit above the commune (the province since the 2025 reform)
        for entry in cases:
            local, village, case, scenario = entry
            if scenario == "district_audited":
                entry[2] = services.audit_in_district(case, actor=self.auditor)
            elif scenario == "audit_not_sampled":
                entry[2] = services.close_unsampled(
                    case, actor=self.auditor, note=f"Hậu kiểm quyết định {case.decision_reference}"
                )
            elif scenario == "revoked":
                entry[2] = services.revoke_case(
                    case, actor=self.auditor, reason=rng.choice(REVOCATION_REASONS)
                )
        # 8. withdrawals
        for entry in cases:
            local, village, case, scenario = entry
            if scenario == "withdrawn":
                entry[2] = services.withdraw_case(
                    case, actor=officer[village.pk], reason=rng.choice(WITHDRAWAL_REASONS)
                )
        self.log(f"  {len(cases)} household cases")
        self._citizen_cases(officer, head)
        self._commune_level_cases()
        self._community_cases(officer)
        seed_titles(self)  # the commune's own title, the province's units, recognised communities

    def _citizen_cases(self, officer, head):
        """Learning citizens the Association's way (the national rule, criteria.authority): the village branch
        enters and verifies, the commune Association compiles its numbered proposal, the province
        Association recognises (QĐ-HKH)."""
        from approvals.services import compile_proposal

        from . import through_flow as services

        title = self._title("CONGDAN")
        # level 2 audited, level 1 decided, level 1 reviewed, failing, scored, nominated
        plan = ["audited2", "decided1", "reviewed1", "failing", "scored2", "nominated"]
        reviewed = []
        for n, (local, village, person) in enumerate(self.persons):
            scenario = plan[n % len(plan)]
            case = services.nominate_case(person, title_type=title, year=self.year, actor=officer[village.pk])
            if scenario == "nominated":
                continue
            case = self._collect(case, officer[village.pk])  # no evidence is required: completes at once
            level = {"audited2": 2, "scored2": 2, "failing": None}.get(scenario, 1)
            values = self._indicators(case, level=level)
            case = services.self_assess(case, values=values, actor=officer[village.pk])
            if scenario == "scored2":
                continue
            if scenario == "failing":
                services.review_in_village(
                    case,
                    proposed=False,
                    actor=officer[village.pk],
                    reason="Chưa hoàn thành khóa học nào trong năm.",
                )
                continue
            case = services.review_in_village(case, proposed=True, actor=officer[village.pk])
            reviewed.append((local, case, scenario))
        # the commune Association's proposal lists its villages' verified citizens (those still to be
        # proposed wait in its work: "reviewed1")
        by_commune = {}
        for local, case, scenario in reviewed:
            if scenario != "reviewed1":
                by_commune.setdefault(local.unit.pk, (local, []))[1].append(case)
        for local, cases in by_commune.values():
            compile_proposal(
                local.unit,
                title_type=title,
                year=self.year,
                cases=cases,
                actor=local.users[R.COMMUNE_HKH],
                proposed_on=self.decision_date,
                note="Đề nghị công nhận danh hiệu Công dân học tập năm " + str(self.year),
            )
        for _local, case, scenario in reviewed:
            if scenario == "reviewed1":
                continue
            case = services.decide_in_commune(
                case,
                recognised=True,
                actor=self.province_users[R.PROVINCE_HKH],
            )
            if scenario == "audited2":
                services.audit_in_district(case, actor=self.auditor)

    def _commune_level_cases(self):
        """Clans and commune-managed units: their cases sit at the commune (opened by the commune officer,
        who also holds the review step that a village meeting holds for household cases)."""
        from . import through_flow as services

        for title_code, subjects in (("DHHT", self.clans), ("DVHT", self.organisations)):
            title = self._title(title_code)
            plan = ["recognised", "scored", "evidence_collected", "nominated"]
            for n, (local, subject) in enumerate(subjects):
                scenario = plan[n % len(plan)]
                officer = local.users[R.COMMUNE_OFFICER]
                case = services.nominate_case(subject, title_type=title, year=self.year, actor=officer)
                if scenario == "nominated":
                    continue
                case = self._collect(case, officer)
                if scenario in ("scored", "recognised"):
                    case = services.score_case(
                        case, values=self._points(case, passing=True), actor=local.users[R.ASSESSOR]
                    )
                if scenario == "recognised":
                    case = services.review_in_village(case, proposed=True, actor=officer)
                    services.decide_in_commune(
                        case,
                        recognised=True,
                        actor=local.users[R.COMMUNE_CHAIR],
                    )

    def _community_cases(self, officer):
        """Village communities are assessed after the household results: the first village of each commune
        has opened its file."""
        from . import through_flow as services

        title = self._title("CDHT_THON")
        seen = set()
        for local, village, community in self.communities:
            if local.unit.pk in seen:
                continue
            seen.add(local.unit.pk)
            case = services.nominate_case(
                community, title_type=title, year=self.year, actor=officer[village.pk]
            )
            self._collect(case, officer[village.pk], complete=False)


def seed_demo(*, households: int = 300, year: int | None = None, log=None) -> DemoSeeder:
    seeder = DemoSeeder(households=households, year=year, log=log)
    seeder.run()
    return seeder
