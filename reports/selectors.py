"""Reads of the reports pages: an importer's own import jobs, the titles reported on, the visible ancestry."""

from django.db.models import QuerySet
from django.http import Http404

from criteria.models import TitleType
from registry.models import AdministrativeUnit
from registry.selectors import scope_paths

from .models import ImportJob


def import_jobs_for(user, *, kind: str = "") -> QuerySet[ImportJob]:
    """The user's own import jobs (of one kind, if given), newest first."""
    jobs = ImportJob.objects.filter(created_by=user)
    if kind:
        jobs = jobs.filter(kind=kind)
    return jobs.order_by("-created_at")


def get_import_job_for(user, pk: int) -> ImportJob:
    """An import job is its importer's own; anyone else gets a 404."""
    job = ImportJob.objects.filter(pk=pk, created_by=user).first()
    if job is None:
        raise Http404
    return job


def active_titles() -> QuerySet[TitleType]:
    """The titles an annual report covers, one sheet each."""
    return TitleType.objects.filter(active=True).order_by("code")


def visible_ancestors(user, unit: AdministrativeUnit) -> list[AdministrativeUnit]:
    """The unit's ancestors the user may see, top first (the breadcrumbs of a coverage page)."""
    if user.is_superuser:
        return list(reversed(unit.ancestors()))
    paths = scope_paths(user)
    return [a for a in reversed(unit.ancestors()) if any(a.path.startswith(p) for p in paths)]
