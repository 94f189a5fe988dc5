"""Every write to a case goes through these functions."""

from ._common import atomic_service, failing_as_one, holding, lock_case, record_personal_data_access
from .batch import CaseRefused, decide_many_in_commune, review_many_in_village, settle_audited
from .intake import add_evidence, nominate_case, remove_evidence, sha256_of, validate_upload
from .lifecycle import (
    audit_in_district,
    complete_evidence_collection,
    decide_in_commune,
    missing_evidence,
    return_for_rework,
    review_in_village,
    revoke_case,
    score_case,
    withdraw_case,
)

__all__ = [
    "CaseRefused",
    "add_evidence",
    "atomic_service",
    "audit_in_district",
    "complete_evidence_collection",
    "decide_in_commune",
    "decide_many_in_commune",
    "failing_as_one",
    "holding",
    "lock_case",
    "missing_evidence",
    "nominate_case",
    "record_personal_data_access",
    "remove_evidence",
    "return_for_rework",
    "review_in_village",
    "review_many_in_village",
    "revoke_case",
    "score_case",
    "settle_audited",
    "sha256_of",
    "validate_upload",
    "withdraw_case",
]
