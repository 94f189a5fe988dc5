from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("tra-cuu/", views.status_lookup, name="status"),
]
