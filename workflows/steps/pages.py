"""What each step page shows besides its forms: the evidence to collect, the scores to weigh."""

from collections import defaultdict

from cases import permissions as perms
from cases import selectors as case_selectors
from cases import services as case_services
from cases.derived import computed_values
from cases.models import Case
from criteria.scoring import is_adopted

from .forms import EvidenceUploadForm, RemoveEvidenceForm, ScoreSheetForm
from .selectors import criteria_items


def score_sheet_form(case: Case, data=None, prefix="score") -> ScoreSheetForm:
    items = criteria_items(case)
    return ScoreSheetForm(
        data,
        prefix="score",
        criteria_set=case.criteria_set,
        items=items,
        scores=case_selectors.scores_by_item(case),
        area_class=case.subject.area_class,
        computed=computed_values(case, items),
        adopted=is_adopted(case.criteria_set_id, unit_path=case.unit_path, year=case.year),
    )


def _active_evidence(case):
    return [ev for ev in case_selectors.evidence_for(case) if ev.is_active]


def score_summary(request, task, case: Case) -> dict:
    """The score sheet as scored, per criterion with totals, against the threshold of the subject's area."""
    blocks = []
    for block in case_selectors.score_sheet(case):
        points = [r["score"].points for r in block["items"] if r["score"] and r["score"].points is not None]
        block["total"] = sum(points) if points else None
        block["max"] = sum((r["item"].max_points or 0) for r in block["items"]) or None
        blocks.append(block)
    return {
        "summary": blocks,
        "threshold": case.criteria_set.threshold_for(case.subject.area_class),
        "evidence_count": case_selectors.active_evidence_count(case),
    }


def collect_evidence(request, task, case, *, remove=None) -> dict:
    """The items of the criteria set with their evidence requirements, files and upload fields."""
    items = list(criteria_items(case).prefetch_related("evidence_requirements"))
    upload_form = EvidenceUploadForm(items=items)
    files = defaultdict(list)
    for ev in case_selectors.evidence_for(case):
        form = None
        if ev.is_active:
            form = (
                remove[1] if remove and remove[0] == ev.pk else RemoveEvidenceForm(auto_id=f"id_rm{ev.pk}_%s")
            )
        files[ev.item_id].append({"evidence": ev, "remove_form": form})
    groups: list[dict] = []
    for item in items:
        if not groups or groups[-1]["criterion"].pk != item.criterion_id:
            groups.append({"criterion": item.criterion, "rows": []})
        groups[-1]["rows"].append(
            {
                "item": item,
                "requirements": list(item.evidence_requirements.all()),
                "files": files.get(item.pk, []),
                "upload": upload_form[f"files_{item.pk}"],
            }
        )
    return {
        "groups": groups,
        "upload_form": upload_form,
        "missing": case_services.missing_evidence(case),
        "may_collect": perms.can_collect_evidence(request.user, case),
    }


def evidence_to_score(request, task, case) -> dict:
    return {"evidence": _active_evidence(case)}
