from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("nhap-ho/", views.household_import, name="import_households"),
    path("nhap-ho/mau.<str:fmt>", views.household_template, name="household_template"),
    path("nhap/<int:pk>/", views.import_job, name="import_job"),
    path("nhap/<int:pk>/ghi/", views.commit_job, name="commit_job"),
]
