"""The import framework: a kind of import is a column layout, a row check against the registry and a writer.

Every kind follows the same life: the file is read into rows (parsing), every row is checked and a report
lists each problem with its spreadsheet row number (`ImportKind.validate`), and only a clean report is
written, in one transaction, by `ImportKind.write`. Re-importing a file finds its records by their natural
key (a code, or subject + title + year) and leaves them unchanged.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.functional import Promise

from registry.models import Role
from registry.selectors import scope_paths
from registry.text import fold

from .messages import KIND_TEXTS
from .parsing import Sheet

# Who imports registry files: commune officers in their commune, administrators in their province.
IMPORT_ROLES = frozenset({Role.COMMUNE_OFFICER, Role.ADMINISTRATOR})

# How many natural keys go into one lookup query.
LOOKUP_CHUNK = 2000
Progress = Callable[[int], None] | None


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the file format: fixed Vietnamese text, never translated
    required: bool = True
    max_length: int | None = None
    width: int = 18  # in the template


@dataclass
class Report:
    """The outcome of checking a file: its problems, or the records to write."""

    rows: int = 0
    errors: list[dict] = field(default_factory=list)  # {"row", "code", "params"}, in row order
    new: list = field(default_factory=list)  # the kind's plans of records to create
    existing: int = 0  # records already in the registry under the same natural key
    linked: int = 0  # records attached to the new ones (household members, a clan's households)
    context: dict = field(default_factory=dict)  # lookups the writer reuses (units, titles, subjects)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, row: int, problem: str, /, **params) -> None:
        self.errors.append({"row": row, "code": problem, "params": params})

    def sort(self) -> "Report":
        self.errors.sort(key=lambda e: e["row"])
        return self


class ImportKind:
    """One kind of registry import. Subclasses set the class attributes and implement validate and write."""

    key: str = ""  # ImportJob.Kind value
    slug: str = ""  # in the URL
    label: Promise | str = ""
    columns: tuple[Column, ...] = ()
    sheet_title: str = "Du lieu"  # the template's data sheet (ASCII: some spreadsheet tools mangle others)
    file_stem: str = ""  # the template's file name, without extension
    event_type: str = ""  # the audit event of a committed import
    import_roles: frozenset[str] = frozenset()
    # superusers import everywhere unless the kind's writes need a role grant of their own
    superuser_everywhere: bool = True

    # --- who may import, and where ---

    def scope(self, user) -> list[str] | None:
        """Unit paths the user may import into; None means everywhere."""
        if self.superuser_everywhere and getattr(user, "is_superuser", False):
            return None
        return scope_paths(user, roles=self.import_roles)

    def allows(self, user) -> bool:
        if not getattr(user, "is_authenticated", False):
            return False
        scope = self.scope(user)
        return scope is None or bool(scope)

    # --- the file ---

    def header_key(self, header) -> str | None:
        folded = fold(str(header or ""))
        return next((c.key for c in self.columns if fold(c.header) == folded), None)

    def headers(self) -> dict[str, str]:
        return {c.key: c.header for c in self.columns}

    def guide(self) -> list[str]:
        raise NotImplementedError

    def validate(self, sheet: Sheet, *, scope: list[str] | None, actor) -> Report:
        raise NotImplementedError

    def write(self, report: Report, *, actor, progress: Progress = None, source: str = "") -> dict[str, int]:
        """Create the report's new records inside the caller's transaction; returns counts for the audit.
        `source` names the import in the records' own audit events."""
        raise NotImplementedError

    # --- texts of the job page (translated, in the reader's language) ---

    def summary(self, job) -> list[str]:
        texts, new, existing = KIND_TEXTS[self.key], job.new_count, job.existing_count
        return [
            texts.new % {"count": new, "n": num(new), "m": num(job.linked_count)},
            texts.existing % {"count": existing, "n": num(existing)},
        ]

    def commit_label(self, job) -> str:
        return str(KIND_TEXTS[self.key].commit) % {"n": num(job.new_count)}

    def progress_label(self, job) -> str:
        done, total = num(job.processed), num(job.new_count)
        return str(KIND_TEXTS[self.key].progress) % {"done": done, "total": total}


def check_cells(report: Report, kind: ImportKind, number: int, cells: dict[str, str]) -> None:
    """The checks every kind shares: required cells are filled, no cell is longer than its column allows."""
    for column in kind.columns:
        value = cells.get(column.key, "")
        if column.max_length and len(value) > column.max_length:
            report.error(number, "too_long", column=column.header, max=column.max_length)
        if column.required and not value:
            report.error(number, "required", column=column.header)


class RowRejected(Exception):
    """A write refused one row after the check passed (the registry changed in between): the whole import
    is rolled back and the row is reported like a checking error."""

    def __init__(self, row: int, code: str, **params):
        super().__init__(code)
        self.row, self.code, self.params = row, code, params


def num(n: int) -> str:
    """A count as the reader's locale writes it (1.000 in Vietnamese, 1,000 in English)."""
    return number_format(n, force_grouping=True)


def as_int(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


def chunks(values: Iterable, size: int = LOOKUP_CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]
