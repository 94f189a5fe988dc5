"""Writes to criteria configuration."""

from django.db import transaction
from django.db.models import Max

from audit.services import record_event

from .models import CriteriaSet, EvidenceRequirement


@transaction.atomic
def revise_criteria_set(criteria_set: CriteriaSet, *, actor) -> CriteriaSet:
    """Copy a set (criteria, items, evidence requirements) into a new editable version.

    Cases keep the version they were nominated under, so a set in use is never edited in place.
    """
    source = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
    last = CriteriaSet.objects.filter(title_type=source.title_type, province=source.province).aggregate(
        v=Max("version")
    )["v"]
    clone = CriteriaSet.objects.get(pk=source.pk)
    clone.pk = None
    clone.version = last + 1
    clone.derived_from = source
    clone.save()
    for crit in source.criteria.prefetch_related("items__evidence_requirements"):
        items = list(crit.items.all())
        crit.pk, crit.criteria_set = None, clone
        crit.save()
        for item in items:
            reqs = list(item.evidence_requirements.all())
            item.pk, item.criterion = None, crit
            item.save()
            EvidenceRequirement.objects.bulk_create(
                EvidenceRequirement(item=item, description=r.description, required=r.required) for r in reqs
            )
    record_event(
        f"config:criteria_set:{clone.title_type.code}",
        "criteria_set.revised",
        actor=actor,
        data={
            "from_id": source.pk,
            "from_version": source.version,
            "to_id": clone.pk,
            "to_version": clone.version,
        },
    )
    return clone


@transaction.atomic
def configure_authority(row, *, actor):
    """Save a title's recognition authority (national, or a province's own), refused with the field errors
    when it would leave a step without anyone allowed to act (criteria.authority.problems)."""
    row.full_clean()
    created = row.pk is None
    row.save()
    record_event(
        f"config:criteria.recognitionauthority:{row.pk}",
        "config.created" if created else "config.changed",
        actor=actor,
        data={
            "model": "criteria.recognitionauthority",
            "object": str(row),
            "proposer": row.actor("proposer"),
            "decider": [*row.actor("decider"), row.decider_body, row.decision_suffix, row.signer_office],
            "auditor": row.actor("auditor"),
        },
    )
    return row
