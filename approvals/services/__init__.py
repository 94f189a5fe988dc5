"""The collective steps: each validates every case first, then moves them all in one transaction or none."""

from ._common import BatchRefused
from .audits import close_audit, open_audit, random_sample, record_finding, risk_signals
from .decisions import (
    decide_one,
    discard_decision,
    draft_decision,
    drop_from_decision,
    record_outcomes,
    sign_decision,
)
from .proposals import can_compile_proposal, compile_proposal
from .sessions import (
    cancel_session,
    close_session,
    drop_from_session,
    open_session,
    record_comment,
    record_results,
)

__all__ = [
    "BatchRefused",
    "cancel_session",
    "close_audit",
    "can_compile_proposal",
    "close_session",
    "compile_proposal",
    "decide_one",
    "discard_decision",
    "draft_decision",
    "drop_from_decision",
    "drop_from_session",
    "open_audit",
    "open_session",
    "random_sample",
    "record_comment",
    "record_finding",
    "record_outcomes",
    "record_results",
    "risk_signals",
    "sign_decision",
]
