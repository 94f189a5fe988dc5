"""What the registry imports share: units looked up by code within the importer's area, subjects looked up
by code, and the new subjects checked and written by the registry's bulk registration (registry.bulk), which
applies the rules of registering one subject at a time."""

from registry.bulk import NewSubject, SubjectsRefused, check_subjects, create_subjects
from registry.models import AdministrativeUnit, Subject
from registry.selectors import path_q

from .base import ImportKind, Progress, Report, RowRejected, chunks


def units_in_scope(codes: set[str], *, level: str, scope: list[str] | None) -> dict[str, AdministrativeUnit]:
    """The units of `level` with these codes that lie inside the importer's area (None = everywhere)."""
    qs = AdministrativeUnit.objects.filter(level=level, code__in=codes)
    if scope is not None:
        qs = qs.filter(path_q(scope))
    return {u.code: u for u in qs.only("pk", "code", "name", "path", "area_class", "level")}


def subjects_by_code(codes) -> dict[str, tuple[str, int]]:
    """code -> (kind, unit id) of the subjects already registered under these codes, wherever they are."""
    found: dict[str, tuple[str, int]] = {}
    for chunk in chunks(codes):
        for code, kind, unit_id in Subject.objects.filter(code__in=chunk).values_list(
            "code", "kind", "unit_id"
        ):
            found[code] = (kind, unit_id)
    return found


class SubjectImport(ImportKind):
    """An import of new subjects (households, clans, organisations): the registry has the last word on each
    one when the file is checked, and writes them all when it is committed."""

    def new_subjects(self, report: Report) -> list[tuple[int, NewSubject]]:
        """The report's new subjects as the registry takes them, each with its spreadsheet row."""
        raise NotImplementedError

    def check_in_registry(self, report: Report) -> None:
        """Once the file's own checks pass, report each new subject the registry would refuse, on its row."""
        if not report.ok:
            return
        numbered = self.new_subjects(report)
        for at, error in check_subjects([row for _number, row in numbered]).items():
            report.error(numbered[at][0], "registry_refused", reason=" ".join(error.messages))

    def write(self, report: Report, *, actor, progress: Progress = None, source: str = "") -> dict[str, int]:
        numbered = self.new_subjects(report)
        try:
            created = create_subjects(
                [row for _number, row in numbered], actor=actor, source=source, progress=progress
            )
        except SubjectsRefused as refused:
            at, error = next(iter(refused.problems.items()))
            raise RowRejected(
                numbered[at][0], "registry_refused", reason=" ".join(error.messages)
            ) from refused
        return {"created": len(created), "existing": report.existing, "linked": report.linked}
