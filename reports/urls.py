from django.urls import path

from . import views
from .views import golive

app_name = "reports"

urlpatterns = [
    path("do-phu/", views.coverage_index, name="coverage_index"),
    path("do-phu/<str:code>/", views.coverage_unit, name="coverage"),
    path("do-phu/<str:code>/chua-cong-nhan/", views.unrecognised, name="unrecognised"),
    path("do-phu/<str:code>/bao-cao.xlsx", views.coverage_export, name="coverage_export"),
    path("do-phu/<str:code>/bao-cao.pdf", views.coverage_pdf, name="coverage_pdf"),
    path("san-sang/", golive.checklist, name="golive"),
    path("san-sang/xac-nhan/", golive.confirm, name="golive_confirm"),
    path("nhap/", views.import_index, name="imports"),
    path("nhap/<int:pk>/", views.import_job, name="import_job"),
    path("nhap/<int:pk>/ghi/", views.commit_job, name="commit_job"),
    path("nhap/<slug:kind>/", views.import_upload, name="import_upload"),
    path("nhap/<slug:kind>/mau.<str:fmt>", views.import_template, name="import_template"),
]
