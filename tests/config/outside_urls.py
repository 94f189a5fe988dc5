"""config.urls plus one page mounted outside the site's areas, as an app might include its URLs directly."""

from django.urls import path
from django.views.generic import TemplateView

from config.urls import urlpatterns as config_urlpatterns

urlpatterns = [
    *config_urlpatterns,
    path("ngoai/", TemplateView.as_view(template_name="base.html"), name="outside"),
]
