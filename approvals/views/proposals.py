"""The commune Association's numbered proposals ("tờ trình"): compile one over its villages' proposed cases,
list them, read one."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from .. import selectors, services
from ..forms import ProposalForm
from . import _common as common
from ._common import ENTRIES_PAGE_SIZE, LIST_PAGE_SIZE, paged


class ProposalNew(common.NewBatchView):
    """Compile a proposal over cases the commune's villages proposed (the user's only commune by default)."""

    form_class, unit_param, url_name = ProposalForm, "commune", "approvals:proposal"
    only_unit_by_default = True
    templates = ("approvals/proposal_pick_commune.html", "approvals/proposal_new.html")
    created = gettext_lazy("The proposal lists %(n)s cases.")

    def units(self):
        return selectors.proposal_communes(self.request.user)

    def form_kwargs(self, commune) -> dict:
        return {"candidates": selectors.proposable(self.request.user, commune)}

    def create(self, commune, data: dict, chosen: list):
        return services.compile_proposal(
            commune,
            title_type=chosen[0].title_type,
            year=chosen[0].year,
            cases=chosen,
            actor=self.request.user,
            proposed_on=data["proposed_on"],
            note=data["note"],
        )


proposal_new = ProposalNew.as_view()


@login_required
@require_GET
def proposal_list(request):
    proposals = selectors.proposals_for(request.user)
    return common.list_page(request, proposals, LIST_PAGE_SIZE, "approvals/proposal_list.html", "proposals")


@login_required
@require_GET
def proposal_detail(request, pk: int):
    proposal = selectors.get_proposal_for(request.user, pk)
    context = paged(request, selectors.proposal_entries(proposal), ENTRIES_PAGE_SIZE)
    return render(
        request,
        "approvals/proposal_detail.html",
        {**context, "proposal": proposal, "cases": context["page_obj"]},
    )
