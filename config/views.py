from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from registry.models import Role
from registry.selectors import grants_for


@login_required
def home(request):
    """Administrators land in the admin; everyone else on their scoped case list."""
    roles = {g.role for g in grants_for(request.user)}
    if request.user.is_staff and (request.user.is_superuser or roles <= {Role.ADMINISTRATOR}):
        return redirect("admin:index")
    return redirect("cases:list")
