"""The nomination page: find a subject in the user's units, or register a new household, and open its case."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from cases.models import Case
from cases.selectors import live_case_for
from registry.models import SubjectKind

from .. import flows as services
from .nominate_forms import (
    ExistingSubjectForm,
    MemberFormSet,
    NewHouseholdForm,
    SubjectSearchForm,
    nominate_paths,
    search_subjects,
)
from .selectors import default_title

MEMBERS_PREFIX = "members"
HOUSEHOLD_ID = "household_%s"  # both forms have title and year fields: keep their ids apart


def _add_errors(form, exc: ValidationError) -> None:
    """Attach a service's ValidationError to the form: to the named field when the form has it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class NominateView(LoginRequiredMixin, TemplateView):
    template_name = "workflows/nominate.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not nominate_paths(request.user):
            raise PermissionDenied(_("You are not allowed to nominate cases."))
        return super().dispatch(request, *args, **kwargs)

    # --- reading the page ---

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        search = SubjectSearchForm(self.request.GET or None, user=user, auto_id="search_%s")
        cleaned = {}
        if search.is_bound:
            search.is_valid()  # a partly valid search still uses its valid parts
            cleaned = search.cleaned_data
        # households are the usual case, so their title is the default
        titles = search.fields["title"].queryset
        title = cleaned.get("title") or default_title(titles)
        year = cleaned.get("year") or timezone.localdate().year
        q = cleaned.get("q") or ""
        if not search.is_bound and title:
            search.initial["title"] = title.code
        results = search_subjects(user, title_type=title, year=year, q=q) if title and q else []
        household_form = kwargs.get("household_form") or NewHouseholdForm(
            user=user,
            auto_id=HOUSEHOLD_ID,
            initial={
                "year": year,
                **({"title": title.code} if title and title.subject_kind == SubjectKind.HOUSEHOLD else {}),
            },
        )
        ctx.update(
            search_form=search,
            search_title=title,
            search_year=year,
            search_q=q,
            results=results,
            household_form=household_form,
            member_formset=kwargs.get("member_formset") or MemberFormSet(prefix=MEMBERS_PREFIX),
            existing_form=kwargs.get("existing_form"),
            duplicate=kwargs.get("duplicate"),
            household_possible=household_form.fields["title"].queryset.exists()
            and household_form.fields["village"].queryset.exists(),
        )
        return ctx

    # --- nominating ---

    def post(self, request, *args, **kwargs):
        mode = request.POST.get("mode")
        if mode == "existing":
            return self._post_existing()
        if mode == "household":
            return self._post_household()
        return HttpResponseBadRequest()

    def _post_existing(self):
        user = self.request.user
        form = ExistingSubjectForm(self.request.POST, user=user)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(existing_form=form))
        data = form.cleaned_data
        try:
            case = services.open_case(
                data["subject"], title_type=data["title"], year=data["year"], actor=user
            )
        except ValidationError as exc:
            _add_errors(form, exc)
            duplicate = live_case_for(
                user, subject=data["subject"], title_type=data["title"], year=data["year"]
            )
            return self.render_to_response(self.get_context_data(existing_form=form, duplicate=duplicate))
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("You are not allowed to nominate this subject."))
            return self.render_to_response(self.get_context_data(existing_form=form))
        return self._opened(case)

    def _post_household(self):
        user = self.request.user
        form = NewHouseholdForm(self.request.POST, user=user, auto_id=HOUSEHOLD_ID)
        formset = MemberFormSet(self.request.POST, prefix=MEMBERS_PREFIX)
        valid = form.is_valid()
        valid = formset.is_valid() and valid
        if valid:
            data = form.cleaned_data
            try:
                case = services.nominate_new_household(
                    data["village"],
                    head_name=data["head_name"],
                    address=data["address"],
                    phone=data["phone"],
                    head_id_last4=data["head_id_last4"],
                    members=formset.members(),
                    title_type=data["title"],
                    year=data["year"],
                    actor=user,
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc) or _("You are not allowed to nominate cases in this village."))
            else:
                return self._opened(case)
        return self.render_to_response(self.get_context_data(household_form=form, member_formset=formset))

    def _opened(self, case: Case):
        messages.success(
            self.request,
            _("Case %(ref)s is open. Its first step, evidence collection, is waiting in the queue.")
            % {"ref": case.reference},
        )
        return redirect("cases:detail", pk=case.pk)


urlpatterns = [
    path("lap-ho-so/", NominateView.as_view(), name="nominate"),
]
