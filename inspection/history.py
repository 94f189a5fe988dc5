"""A case's history from its audit events: the case file after each event, and what each event changed.

The case file is rebuilt by folding the events of the case stream in order, so it shows the case exactly as
the log records it, whatever the tables hold now. Exact from the events: the state, the scores per item, the
total, level and whether the criteria were met, the decision number and date, the outcome reason, the
evidence list (added/removed, with SHA-256), who acted last in which role, and the assignee: who holds the
open step (claims and releases are audit events; a step completes unclaimed, so after each transition the
next step is unassigned until claimed). Not recorded in the events, so not shown: score comments; and for
events written before claims were audited, a claim that was never followed by the claimant's own step.
"""

import copy
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent
from cases.models import CaseState
from registry.models import Role

from .labels import event_label

# Events whose reason becomes the case's outcome reason (the services' _set_reason).
REASON_EVENTS = {"case.returned", "case.not_proposed", "case.refused", "case.revoked", "case.withdrawn"}

# Who must act next in each open state (the role of the step the state waits for); who proposes, decides and
# audits is the title's recognition authority's (next_roles).
NEXT_ROLE = {
    CaseState.NOMINATED: Role.VILLAGE_OFFICER,
    CaseState.EVIDENCE_COLLECTED: Role.ASSESSOR,
}


def next_roles(authority) -> dict[str, str]:
    """Who must act next in each open state of a case whose title and province have this authority."""
    return {
        **NEXT_ROLE,
        CaseState.SCORED: authority.proposer_role,
        CaseState.VILLAGE_REVIEWED: authority.decider_role,
        CaseState.COMMUNE_DECIDED: authority.auditor_role,
    }


FIELD_LABELS = {
    "state": _("Status"),
    "total": _("Total score"),
    "level": _("Level"),
    "meets_criteria": _("Meets criteria"),
    "decision_reference": _("Decision number"),
    "decision_date": _("Decision date"),
    "outcome_reason": _("Reason"),
    "acted_by": _("Last acted"),
    "assignee": _("Assignee"),
    "next_role": _("Must act next"),
}


@dataclass
class CaseFile:
    """The case file as it stood right after one event."""

    seq: int = 0
    state: str = ""
    total: str | None = None
    level: int | None = None
    meets_criteria: bool | None = None
    scores: dict[str, Any] = field(default_factory=dict)
    evidence: dict[str, dict] = field(default_factory=dict)  # evidence id -> facts, in upload order
    decision_reference: str = ""
    decision_date: str = ""
    outcome_reason: str = ""
    acted_by: str = ""
    acted_role: str = ""
    assignee: str = ""
    roles: dict[str, str] = field(default_factory=lambda: NEXT_ROLE, compare=False, repr=False)

    @property
    def state_label(self) -> str:
        return str(CaseState(self.state).label) if self.state in CaseState.values else self.state

    @property
    def next_role(self) -> str:
        role = self.roles.get(self.state)
        return str(Role(role).label) if role else ""

    @property
    def sorted_scores(self) -> list[tuple[str, Any]]:
        return sorted(self.scores.items(), key=lambda kv: _code_key(kv[0]))

    @property
    def active_evidence(self) -> list[dict]:
        return [e for e in self.evidence.values() if not e["removed"]]

    def facts(self) -> dict[str, str]:
        """The single-valued fields, as displayed text."""
        return {
            "state": self.state_label,
            "total": self.total or "",
            "level": "" if self.level is None else str(self.level),
            "meets_criteria": _yes_no(self.meets_criteria),
            "decision_reference": self.decision_reference,
            "decision_date": _display_date(self.decision_date),
            "outcome_reason": self.outcome_reason,
            "acted_by": f"{self.acted_by} ({self.acted_role})" if self.acted_role else self.acted_by,
            "assignee": self.assignee,
            "next_role": self.next_role,
        }


def _code_key(code: str) -> tuple:
    """Item codes in reading order: "1.2" before "1.10"."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in str(code).split("."))


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return str(_("Yes") if value else _("No"))


def _display_date(iso: str) -> str:
    if len(iso) == 10 and iso[4] == "-" and iso[7] == "-":
        return f"{iso[8:10]}/{iso[5:7]}/{iso[0:4]}"
    return iso


def apply_event(file: CaseFile, event: AuditEvent) -> CaseFile:
    """The case file right after `event`, from the one before it (which is left unchanged)."""
    after = copy.deepcopy(file)
    data = event.data or {}
    after.seq = event.seq
    kind = event.event_type
    if isinstance(data.get("to"), str):
        after.state = data["to"]
        after.assignee = ""  # the step is done; the next one waits in the queue
    if kind == "task.claimed":
        after.assignee = event.actor_name
    elif kind in ("task.released", "task.returned_to_queue"):
        after.assignee = ""
    if kind == "case.scored" and isinstance(data.get("after"), dict):
        scored = data["after"]
        after.scores = dict(scored.get("scores") or {})
        after.total = scored.get("total")
        after.level = scored.get("level")
        after.meets_criteria = scored.get("meets_criteria")
    elif kind == "evidence.added":
        after.evidence[str(data.get("evidence_id"))] = {
            "id": data.get("evidence_id"),
            "item": data.get("item", ""),
            "name": data.get("name", ""),
            "size": data.get("size"),
            "sha256": data.get("sha256", ""),
            "removed": False,
            "removal_reason": "",
        }
    elif kind == "evidence.removed":
        entry = after.evidence.get(str(data.get("evidence_id")))
        if entry is not None:
            entry["removed"] = True
            entry["removal_reason"] = event.reason
    if kind in ("case.recognised", "case.refused"):
        after.decision_reference = data.get("decision_reference", "")
        after.decision_date = data.get("decision_date", "")
    if kind in REASON_EVENTS:
        after.outcome_reason = event.reason
    if event.actor_name and kind != "personal_data.viewed":
        after.acted_by = event.actor_name
        after.acted_role = dict(Role.choices).get(event.actor_role, event.actor_role)
    return after


@dataclass
class Change:
    label: str
    before: str
    after: str


def diff(before: CaseFile, after: CaseFile) -> list[Change]:
    """What one event changed in the case file, field by field, with translated labels."""
    changes = []
    old, new = before.facts(), after.facts()
    for key, label in FIELD_LABELS.items():
        if key == "acted_by":
            continue  # the actor is shown with every event already
        if old[key] != new[key]:
            changes.append(Change(str(label), old[key], new[key]))
    for code in sorted(set(before.scores) | set(after.scores), key=_code_key):
        a, b = before.scores.get(code), after.scores.get(code)
        if a != b:
            changes.append(Change(str(_("Score %(item)s") % {"item": code}), _score_text(a), _score_text(b)))
    for key, entry in after.evidence.items():
        prior = before.evidence.get(key)
        name = f"{entry['item']} — {entry['name']}"
        if prior is None:
            changes.append(Change(str(_("Evidence")), "", name))
        elif prior["removed"] != entry["removed"]:
            changes.append(
                Change(
                    str(_("Evidence")),
                    name,
                    str(_("removed: %(reason)s") % {"reason": entry["removal_reason"]}),
                )
            )
    return changes


def _score_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(_("Passed") if value else _("Not passed"))
    return str(value)


@dataclass
class Step:
    event: AuditEvent
    label: str
    file: CaseFile
    changes: list[Change]


def replay(events, authority=None) -> list[Step]:
    """Every event of a case stream with the case file after it and what it changed (who must act next as
    the case's recognition authority says, when given)."""
    steps = []
    current = CaseFile(roles=next_roles(authority) if authority is not None else NEXT_ROLE)
    for event in events:
        after = apply_event(current, event)
        steps.append(Step(event, event_label(event.event_type), after, diff(current, after)))
        current = after
    return steps
