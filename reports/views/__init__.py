from .coverage import coverage_export, coverage_index, coverage_pdf, coverage_unit, unrecognised
from .imports import commit_job, import_index, import_job, import_template, import_upload

__all__ = [
    "commit_job",
    "coverage_export",
    "coverage_index",
    "coverage_pdf",
    "coverage_unit",
    "import_index",
    "import_job",
    "import_template",
    "import_upload",
    "unrecognised",
]
