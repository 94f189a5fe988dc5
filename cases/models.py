"""The recognition case (one subject x one title x one year), its evidence and its scores."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from criteria.models import CriteriaSet, CriterionItem, TitleType
from registry.models import AdministrativeUnit, Subject


class CaseState(models.TextChoices):
    NOMINATED = "nominated", _("Nominated")
    EVIDENCE_COLLECTED = "evidence_collected", _("Evidence collected")
    SCORED = "scored", _("Scored")
    VILLAGE_REVIEWED = "village_reviewed", _("Proposed by village")
    COMMUNE_DECIDED = "commune_decided", _("Recognised by commune")
    DISTRICT_AUDITED = "district_audited", _("Audited")
    # the audit of its decision closed without this case in the sample: recognised, but never checked
    AUDIT_NOT_SAMPLED = "audit_not_sampled", _("Audit closed, not sampled")
    NOT_RECOGNIZED = "not_recognized", _("Not recognised")
    REVOKED = "revoked", _("Recognition revoked")
    WITHDRAWN = "withdrawn", _("Withdrawn")


S = CaseState
OPEN_STATES = (S.NOMINATED, S.EVIDENCE_COLLECTED, S.SCORED, S.VILLAGE_REVIEWED)
FINAL_STATES = (S.DISTRICT_AUDITED, S.AUDIT_NOT_SAMPLED, S.NOT_RECOGNIZED, S.REVOKED, S.WITHDRAWN)
# Recognised = recognised by the commune, whether or not audited yet (what coverage reports count).
RECOGNISED_STATES = (S.COMMUNE_DECIDED, S.DISTRICT_AUDITED, S.AUDIT_NOT_SAMPLED)
# The three outcomes of an audit for a recognised case: checked and confirmed, not checked, revoked.
AUDIT_OUTCOME_STATES = (S.DISTRICT_AUDITED, S.AUDIT_NOT_SAMPLED, S.REVOKED)
# The case list's state filter value for both of them (the drill-down from recognised counts).
RECOGNISED_FILTER = "recognised"


class Guard:
    """A condition of a Case transition (django-fsm `conditions=`), with the refusal saying why it is not met.

    The services check the guards after their own validation and refuse with `refusal(case)`; the UI reads the
    available transitions, guards included, so no button offers a move the service would refuse.
    """

    def __init__(self, test, message):
        self.test, self.message = test, message

    def __call__(self, case) -> bool:
        return self.test(case)

    def refusal(self, case) -> str:
        return self.message % {"ref": case.reference}


MEETS_CRITERIA = Guard(
    lambda case: bool(case.meets_criteria),
    _("Case %(ref)s does not meet the criteria, so it cannot be proposed for recognition."),
)


class Case(ConcurrentTransitionMixin, models.Model):
    reference = models.CharField(_("case number"), max_length=60, unique=True)
    subject = models.ForeignKey(
        Subject, verbose_name=_("subject"), on_delete=models.PROTECT, related_name="cases"
    )
    title_type = models.ForeignKey(
        TitleType, verbose_name=_("title"), on_delete=models.PROTECT, related_name="cases"
    )
    year = models.PositiveSmallIntegerField(_("assessment year"))
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("locality"), on_delete=models.PROTECT, related_name="cases"
    )
    # Denormalised copy of unit.path: scoping is an indexed prefix match on this column.
    unit_path = models.CharField(max_length=255, editable=False)
    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("criteria set"), on_delete=models.PROTECT, related_name="cases"
    )
    state = FSMField(
        _("status"), max_length=20, choices=CaseState.choices, default=S.NOMINATED, protected=True
    )
    total_score = models.DecimalField(_("total score"), max_digits=7, decimal_places=2, null=True, blank=True)
    level = models.PositiveSmallIntegerField(_("level achieved"), null=True, blank=True)
    meets_criteria = models.BooleanField(_("meets criteria"), null=True, blank=True)
    # the sheet has computed items (cases.derived), recounted when the village reviews the case
    has_computed_scores = models.BooleanField(default=False, editable=False)
    decision_reference = models.CharField(_("decision number"), max_length=60, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    outcome_reason = models.TextField(_("reason"), blank=True)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("nominated by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("opened on"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "title_type", "year"],
                condition=~Q(state=CaseState.WITHDRAWN),
                name="cases_one_live_case_per_subject_title_year",
            ),
        ]
        indexes = [
            models.Index(
                fields=["unit_path"], name="cases_unit_path_like_idx", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["unit_path", "year", "state"], name="cases_scope_year_state_idx"),
            models.Index(fields=["state", "year"], name="cases_state_year_idx"),
            models.Index(fields=["-updated_at"], name="cases_updated_idx"),
        ]
        permissions = [("export_case", _("Can export case lists"))]

    def __str__(self):
        return self.reference

    @property
    def stream(self) -> str:
        return self.stream_of(self.pk)

    @staticmethod
    def stream_of(pk: int) -> str:
        """The audit stream of the case with this primary key."""
        return f"case:{pk}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    # --- the table of allowed moves: these decorators and nothing else -----------------------------------

    @transition(field=state, source=S.NOMINATED, target=S.EVIDENCE_COLLECTED)
    def collect_evidence(self):
        """Evidence for every required item is in."""

    @transition(field=state, source=S.EVIDENCE_COLLECTED, target=S.SCORED)
    def record_score(self):
        """The assessor's score sheet is complete."""

    @transition(field=state, source=S.SCORED, target=S.VILLAGE_REVIEWED, conditions=[MEETS_CRITERIA])
    def propose_in_village(self):
        """The village meeting proposes the subject for recognition."""

    @transition(field=state, source=S.SCORED, target=S.NOT_RECOGNIZED)
    def reject_in_village(self):
        """The village meeting does not propose the subject."""

    @transition(field=state, source=S.VILLAGE_REVIEWED, target=S.COMMUNE_DECIDED)
    def recognise(self):
        """The commune chairman's decision recognises the subject."""

    @transition(field=state, source=S.VILLAGE_REVIEWED, target=S.NOT_RECOGNIZED)
    def refuse(self):
        """The commune refuses recognition, with a written reason."""

    @transition(field=state, source=S.COMMUNE_DECIDED, target=S.DISTRICT_AUDITED)
    def confirm_audit(self):
        """The audit above the commune confirms the decision."""

    @transition(field=state, source=S.COMMUNE_DECIDED, target=S.AUDIT_NOT_SAMPLED)
    def close_unsampled(self):
        """The audit of the decision closed without checking this case (not in its sample)."""

    @transition(field=state, source=S.COMMUNE_DECIDED, target=S.REVOKED)
    def revoke(self):
        """An audit finding revokes the recognition."""

    @transition(field=state, source=[S.EVIDENCE_COLLECTED, S.SCORED], target=S.NOMINATED)
    def return_for_rework(self):
        """Back to evidence collection."""

    @transition(field=state, source=list(OPEN_STATES), target=S.WITHDRAWN)
    def withdraw(self):
        """The subject or the nominating body withdraws."""


class ReferenceCounter(models.Model):
    """Gapless per-key counters for human-readable case references."""

    key = models.CharField(max_length=100, primary_key=True)
    value = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.key}={self.value}"


def evidence_upload_to(instance, filename):
    # Content-addressed names: nothing of the uploader's file name reaches the file system.
    return f"evidence/{instance.case.year}/{instance.case_id}/{instance.sha256}"


class EvidenceFile(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="evidence")
    item = models.ForeignKey(
        CriterionItem, verbose_name=_("criterion item"), on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(_("file"), upload_to=evidence_upload_to, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("removed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    removal_reason = models.TextField(_("removal reason"), blank=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        indexes = [models.Index(fields=["case", "item"], name="cases_evidence_case_item_idx")]

    def __str__(self):
        return self.original_name

    @property
    def is_active(self) -> bool:
        return self.removed_at is None


class Score(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey(
        CriterionItem, verbose_name=_("criterion item"), on_delete=models.PROTECT, related_name="+"
    )
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("scored by"), on_delete=models.PROTECT, related_name="+"
    )
    scored_at = models.DateTimeField(_("scored at"), auto_now=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["case", "item"], name="cases_score_case_item_uniq"),
            models.CheckConstraint(
                condition=Q(points__isnull=True) | Q(points__gte=0), name="cases_score_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.case_id}/{self.item_id}"
