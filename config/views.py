from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from registry.models import Role
from registry.selectors import grants_for

# Roles whose daily work is a list of steps to take; the others watch cases.
WORKING_ROLES = {
    Role.VILLAGE_OFFICER,
    Role.ASSESSOR,
    Role.VILLAGE_HEAD,
    Role.COMMUNE_OFFICER,
    Role.COMMUNE_CHAIR,
    Role.COMMUNE_HKH,
    Role.PROVINCE_HKH,
    Role.EDUCATION_DEPT,
    Role.PROVINCE_CHAIR,
    Role.AUDITOR,
}


@login_required
def home(request):
    """Admins land in the admin, officers in their inbox, inspectors in the inspection, others on cases."""
    roles = {g.role for g in grants_for(request.user)}
    if request.user.is_staff and (request.user.is_superuser or roles <= {Role.ADMINISTRATOR}):
        return redirect("admin:index")
    if roles & WORKING_ROLES:
        return redirect("workflows:inbox")
    if Role.SUPERVISOR in roles:
        return redirect("workflows:supervise")
    if Role.INSPECTOR in roles:
        return redirect("inspection:search")
    return redirect("cases:list")


def locked_out(request, original_response=None, credentials=None):
    """What django-axes answers a login from a locked-out username and address (staff and admin logins)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)
