"""Nominations ("đăng ký danh hiệu"): a registered subject for a title and an assessment year, one row each.

Committing opens each case through the nomination service (workflows.services.open_case): the case gets
its criteria set, its reference, its `case.nominated` audit event and its recognition process, exactly as
when an officer nominates on the page. A subject already nominated for the title and year is left as it is.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Case, CaseState
from cases.permissions import roles_for
from criteria.models import CriteriaSet, TitleType
from registry.models import AdministrativeUnit, Subject
from registry.selectors import path_q
from registry.text import fold

from .base import IMPORT_ROLES, Column, ImportKind, Progress, Report, RowRejected, as_int, check_cells, chunks
from .parsing import Sheet

MIN_YEAR = 2000
PROGRESS_EVERY = 50


@dataclass
class NominationPlan:
    row: int
    subject_code: str
    title: TitleType | None
    year: int | None
    name: str
    clean: bool = True


class NominationImport(ImportKind):
    key = "nominations"
    slug = "dang-ky"
    label = gettext_lazy("Nominations for a title")
    columns = (
        Column("subject_code", "Mã đối tượng", max_length=40),
        Column("title_code", "Mã danh hiệu", max_length=20, width=14),
        Column("year", "Năm đánh giá", width=12),
        Column("subject_name", "Tên đối tượng (để đối chiếu)", required=False, max_length=200, width=36),
    )
    sheet_title = "Dang ky"
    file_stem = "mau-dang-ky-danh-hieu"
    event_type = "cases.nominations_imported"
    # the cases are opened by the nomination service, which needs the actor's own nominating grant
    import_roles = IMPORT_ROLES & roles_for("nominate")
    superuser_everywhere = False

    def guide(self) -> list[str]:
        titles = ", ".join(
            f"{code} ({name})"
            for code, name in TitleType.objects.filter(active=True).values_list("code", "name")
        )
        return [
            _("One row per registration: a subject, a title and an assessment year."),
            _(
                "Subject code: the code of a household, clan, community, organisation or citizen in the "
                "registry."
            ),
            _("Title code: one of %(values)s.") % {"values": titles},
            _("Assessment year: four digits, e.g. %(year)s.") % {"year": timezone.localdate().year},
            _(
                "Subject name is optional; when given it must match the registry, which catches a mistyped "
                "code."
            ),
            _("Each registration opens a case at its first step, evidence collection."),
            _("A subject already registered for the same title and year is left unchanged."),
            _("Nothing is imported while any row has an error."),
        ]

    def validate(self, sheet: Sheet, *, scope: list[str] | None, actor=None) -> Report:
        report = Report(rows=len(sheet.rows))
        titles = {t.code.upper(): t for t in TitleType.objects.filter(active=True)}
        last_year = timezone.localdate().year + 1
        seen: dict[tuple, int] = {}
        plans: list[NominationPlan] = []
        for number, cells in sheet.rows:
            problems = len(report.errors)
            check_cells(report, self, number, cells)
            year = as_int(cells["year"])
            if cells["year"] and not (year and MIN_YEAR <= year <= last_year):
                report.error(number, "case_year", value=cells["year"], min=MIN_YEAR, max=last_year)
                year = None
            title = titles.get(cells["title_code"].upper()) if cells["title_code"] else None
            if cells["title_code"] and title is None:
                report.error(number, "unknown_title", code=cells["title_code"], values=", ".join(titles))
            code = cells["subject_code"]
            if code and title and year:
                key = (code, title.pk, year)
                if key in seen:
                    report.error(number, "duplicate_nomination", code=code, first=seen[key])
                else:
                    seen[key] = number
            plan = NominationPlan(number, code, title, year, cells.get("subject_name", ""))
            plan.clean = len(report.errors) == problems
            plans.append(plan)
        subjects = self._check_subjects(report, plans, scope)
        self._check_criteria_sets(report, plans, subjects)
        live = self._live_cases(plans, subjects)
        for plan in plans:
            if not plan.clean:
                continue
            if (subjects[plan.subject_code].pk, plan.title.pk, plan.year) in live:
                report.existing += 1
            else:
                report.new.append(plan)
        report.context["subjects"] = subjects
        return report.sort()

    def _check_subjects(self, report: Report, plans: list[NominationPlan], scope) -> dict[str, Subject]:
        """The subjects by code, only inside the importer's area: outside it a code reads as unknown."""
        subjects: dict[str, Subject] = {}
        for chunk in chunks({p.subject_code for p in plans if p.subject_code}):
            qs = Subject.objects.filter(code__in=chunk).filter(path_q(scope or [], field="unit__path"))
            subjects.update((s.code, s) for s in qs.select_related("unit"))
        for plan in plans:
            if not plan.subject_code:
                continue
            subject = subjects.get(plan.subject_code)
            if subject is None:
                self._reject(report, plan, "unknown_subject", code=plan.subject_code)
                continue
            if plan.title and subject.kind != plan.title.subject_kind:
                self._reject(
                    report,
                    plan,
                    "title_kind",
                    title=plan.title.name,
                    subject=subject.name,
                    kind=subject.get_kind_display(),
                )
            if plan.name and fold(plan.name) != subject.name_folded:
                self._reject(
                    report, plan, "name_mismatch", code=subject.code, name=subject.name, given=plan.name
                )
        return subjects

    def _check_criteria_sets(self, report: Report, plans: list[NominationPlan], subjects) -> None:
        """The case pins the criteria set in force for its title and year (the province's own, else the
        national one): a title without one cannot be nominated."""
        provinces = {
            u.code: u
            for u in AdministrativeUnit.objects.filter(
                code__in={s.unit.path.strip("/").split("/")[0] for s in subjects.values()}
            )
        }
        today = timezone.localdate()
        in_force: dict[tuple, bool] = {}
        for plan in plans:
            if not plan.clean:
                continue
            province = provinces.get(subjects[plan.subject_code].unit.path.strip("/").split("/")[0])
            key = (plan.title.pk, plan.year, province.pk if province else None)
            if key not in in_force:
                on = min(today, datetime.date(plan.year, 12, 31))
                in_force[key] = (
                    CriteriaSet.objects.in_force(on, province=province).filter(title_type=plan.title).exists()
                )
            if not in_force[key]:
                self._reject(report, plan, "no_criteria_set", title=plan.title.name, year=plan.year)

    @staticmethod
    def _live_cases(plans: list[NominationPlan], subjects) -> set[tuple[int, int, int]]:
        """(subject, title, year) of the cases already open or decided for the file's nominations."""
        keys = {(subjects[p.subject_code].pk, p.title.pk, p.year) for p in plans if p.clean}
        live: set[tuple[int, int, int]] = set()
        for chunk in chunks({k[0] for k in keys}):
            rows = (
                Case.objects.filter(subject_id__in=chunk, year__in={k[2] for k in keys})
                .exclude(state=CaseState.WITHDRAWN)
                .values_list("subject_id", "title_type_id", "year")
            )
            live.update(r for r in rows if r in keys)
        return live

    @staticmethod
    def _reject(report: Report, plan: NominationPlan, problem: str, **params) -> None:
        report.error(plan.row, problem, **params)
        plan.clean = False

    def write(self, report: Report, *, actor, progress: Progress = None, source: str = "") -> dict[str, int]:
        """One case per row through the nomination service, in the caller's transaction."""
        from workflows.services import open_case

        subjects = report.context["subjects"]
        total = len(report.new)
        for done, plan in enumerate(report.new, start=1):
            try:
                open_case(subjects[plan.subject_code], title_type=plan.title, year=plan.year, actor=actor)
            except (ValidationError, PermissionDenied) as exc:
                reason = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                raise RowRejected(plan.row, "nomination_refused", reason=reason) from exc
            if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
                progress(done)
        return {"created": total, "existing": report.existing, "linked": 0}


NOMINATIONS = NominationImport()
