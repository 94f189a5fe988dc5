"""Every write to a case goes through these functions."""

from ._common import lock_case, record_personal_data_access, record_public_access
from .batch import decide_many_in_commune, review_many_in_village, settle_audited
from .engine import CaseRefused, Move, move_case, move_cases
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
    "Move",
    "add_evidence",
    "audit_in_district",
    "complete_evidence_collection",
    "decide_in_commune",
    "decide_many_in_commune",
    "lock_case",
    "missing_evidence",
    "move_case",
    "move_cases",
    "nominate_case",
    "record_personal_data_access",
    "record_public_access",
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
