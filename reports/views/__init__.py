from .coverage import coverage_export, coverage_index, coverage_pdf, coverage_unit, unrecognised
from .imports import commit_job, household_import, household_template, import_job

__all__ = [
    "commit_job",
    "coverage_export",
    "coverage_index",
    "coverage_pdf",
    "coverage_unit",
    "household_import",
    "household_template",
    "import_job",
    "unrecognised",
]
