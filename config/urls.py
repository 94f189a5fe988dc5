from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from workflows.people.views import activate

from . import views
from .site import site

admin.site.site_header = _("Lifelong-learning title recognition")
admin.site.site_title = _("Administration")
admin.site.index_title = _("System configuration")

urlpatterns = [
    path("", views.home, name="home"),
    path("dang-nhap/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("kich-hoat/<str:uidb64>/<str:token>/", activate, name="activate"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("quan-tri/", admin.site.urls),
    path("api/", include("api.urls")),
    path("", include("portal.urls")),
    # the product's areas (/cong-viec/, /ho-so/, ...): see config/site.py
    path("", site.urls),
]
