"""Forms of the nomination page, every choice scoped to the units where the user may nominate."""

from django import forms
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Case, CaseState
from cases.permissions import roles_for
from criteria.models import TitleType
from registry.households import MIN_BIRTH_YEAR
from registry.models import AdministrativeUnit, HouseholdMember, Subject, SubjectKind, UnitLevel
from registry.selectors import path_q, scope_paths
from registry.text import fold

MIN_CASE_YEAR = 2000
SEARCH_LIMIT = 20
MAX_MEMBERS = 20


# --- scoped reads ---------------------------------------------------------------------------------


def nominate_paths(user) -> list[str]:
    """Unit paths under which the user may nominate (empty: the user nominates nowhere)."""
    return scope_paths(user, roles=roles_for("nominate"))


def nominable_villages(user) -> QuerySet[AdministrativeUnit]:
    return (
        AdministrativeUnit.objects.filter(level=UnitLevel.VILLAGE)
        .filter(path_q(nominate_paths(user)))
        .select_related("parent")
        .order_by("path")
    )


def nominable_subjects(user) -> QuerySet[Subject]:
    """Subjects lying in the units where the user may nominate; posted ids are checked against this."""
    return Subject.objects.filter(path_q(nominate_paths(user), field="unit__path"))


def search_subjects(user, *, title_type: TitleType, year: int, q: str) -> list[Subject]:
    """Up to SEARCH_LIMIT subjects of the title's kind matching q (diacritic-insensitive name, or code).

    Each carries `live_case_pk` / `live_case_ref`: the case it already has for this title and year, if any.
    """
    folded = fold(q)
    if not folded:
        return []
    live = Case.objects.filter(subject=OuterRef("pk"), title_type=title_type, year=year).exclude(
        state=CaseState.WITHDRAWN
    )
    return list(
        nominable_subjects(user)
        .filter(kind=title_type.subject_kind)
        .filter(Q(name_folded__contains=folded) | Q(code__iexact=q.strip()))
        .select_related("unit")
        .annotate(
            live_case_pk=Subquery(live.values("pk")[:1]),
            live_case_ref=Subquery(live.values("reference")[:1]),
        )
        .order_by("name_folded", "pk")[:SEARCH_LIMIT]
    )


def _this_year() -> int:
    return timezone.localdate().year


# --- fields ---------------------------------------------------------------------------------------


class _VillageChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} — {obj.parent.name}" if obj.parent_id else obj.name


def _year_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Assessment year"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 4, "size": 6}),
        error_messages={
            "required": _("Enter the assessment year."),
            "invalid": _("Enter the assessment year as four digits, for example 2026."),
        },
    )


def _title_field(queryset) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Title"),
        queryset=queryset,
        to_field_name="code",
        empty_label=None,
        error_messages={
            "required": _("Choose the title."),
            "invalid_choice": _("This title does not exist or is no longer in use."),
        },
    )


class _CaseBasics(forms.Form):
    """The title and the assessment year, common to both ways of nominating."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["title"] = _title_field(self.title_queryset())
        self.fields["year"] = _year_field()
        self.fields["year"].initial = _this_year()
        self.order_fields(["title", "year"])

    def title_queryset(self) -> QuerySet[TitleType]:
        return TitleType.objects.filter(active=True)

    def clean_year(self):
        year = self.cleaned_data["year"]
        last = _this_year() + 1
        if year is not None and not MIN_CASE_YEAR <= year <= last:
            raise forms.ValidationError(
                _("The assessment year must be between %(min)s and %(max)s."),
                params={"min": MIN_CASE_YEAR, "max": last},
                code="year_range",
            )
        return year


class SubjectSearchForm(_CaseBasics):
    q = forms.CharField(
        label=_("Name or code"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. nguyen van an")}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["year"].required = False


class ExistingSubjectForm(_CaseBasics):
    """Nominate a subject already in the registry; its id is only accepted from the user's own units."""

    subject = forms.ModelChoiceField(
        label=_("Subject"),
        queryset=Subject.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choose the subject to nominate."),
            "invalid_choice": _(
                "This subject does not exist or is outside the units where you may nominate."
            ),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = nominable_subjects(self.user).select_related("unit")

    def clean(self):
        cleaned = super().clean()
        title, subject = cleaned.get("title"), cleaned.get("subject")
        if title and subject and subject.kind != title.subject_kind:
            self.add_error(
                "subject",
                forms.ValidationError(
                    _("The title “%(title)s” does not apply to %(subject)s."),
                    params={"title": title.name, "subject": subject.name},
                    code="kind",
                ),
            )
        return cleaned


class NewHouseholdForm(_CaseBasics):
    """Register a household in one of the user's villages and nominate it."""

    village = _VillageChoice(
        label=_("Village/Hamlet/Residential group"),
        queryset=AdministrativeUnit.objects.none(),
        empty_label=_("— choose —"),
        error_messages={
            "required": _("Choose the village."),
            "invalid_choice": _("You may not register households in this village."),
        },
    )
    head_name = forms.CharField(
        label=_("Head of household"),
        max_length=120,
        error_messages={"required": _("Enter the name of the head of household.")},
    )
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        help_text=_("For notices and for following the case online (optional)."),
    )
    head_id_last4 = forms.CharField(
        label=_("Last four digits of the head's citizen ID"),
        max_length=4,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6, "autocomplete": "off"}),
        help_text=_("Only the last four digits: the household uses them to look up its case (optional)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        villages = nominable_villages(self.user)
        self.fields["village"].queryset = villages
        if len(villages) == 1:
            self.fields["village"].initial = villages[0].pk

    def title_queryset(self) -> QuerySet[TitleType]:
        return TitleType.objects.filter(active=True, subject_kind=SubjectKind.HOUSEHOLD)


class MemberForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=120,
        error_messages={"required": _("Enter the member's full name.")},
    )
    birth_year = forms.IntegerField(
        label=_("Birth year"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 4, "size": 6}),
        error_messages={
            "required": _("Enter the birth year."),
            "invalid": _("Enter the birth year as four digits, for example 1985."),
        },
    )
    relation = forms.ChoiceField(
        label=_("Relationship to the head"),
        choices=[("", _("— choose —")), *HouseholdMember.Relation.choices],
        error_messages={
            "required": _("Choose the relationship."),
            "invalid_choice": _("Choose the relationship from the list."),
        },
    )

    def clean_birth_year(self):
        year = self.cleaned_data["birth_year"]
        last = _this_year()
        if not MIN_BIRTH_YEAR <= year <= last:
            raise forms.ValidationError(
                _("The birth year must be between %(min)s and %(max)s."),
                params={"min": MIN_BIRTH_YEAR, "max": last},
                code="birth_year_range",
            )
        return year


class BaseMemberFormSet(forms.BaseFormSet):
    default_error_messages = {
        "too_few_forms": _("Enter at least one household member."),
        "too_many_forms": _("Enter at most %(num)s household members."),
    }

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        heads = [
            f
            for f in self.forms
            if f.cleaned_data and f.cleaned_data.get("relation") == HouseholdMember.Relation.HEAD
        ]
        if len(heads) > 1:
            raise forms.ValidationError(_("Only one member can be the head of household."), code="two_heads")

    def members(self) -> list[dict]:
        return [
            {k: f.cleaned_data[k] for k in ("full_name", "birth_year", "relation")}
            for f in self.forms
            if f.cleaned_data
        ]


MemberFormSet = forms.formset_factory(
    MemberForm,
    formset=BaseMemberFormSet,
    extra=5,
    min_num=1,
    validate_min=True,
    max_num=MAX_MEMBERS,
    validate_max=True,
)
