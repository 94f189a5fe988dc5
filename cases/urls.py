from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.CaseListView.as_view(), name="list"),
    path("<int:pk>/", views.CaseDetailView.as_view(), name="detail"),
    path("<int:pk>/evidence/<int:evidence_pk>/", views.download_evidence, name="evidence"),
    path("<int:pk>/thanh-vien/", views.household_members, name="members"),
]
