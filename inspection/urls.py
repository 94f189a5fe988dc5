from django.urls import path, register_converter

from . import views


class IsoDayConverter:
    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return str(value)


register_converter(IsoDayConverter, "isoday")

app_name = "inspection"

urlpatterns = [
    path("", views.search, name="search"),
    path("xuat.<str:file_format>", views.export, name="export"),
    path("ho-so/<int:pk>/", views.case_history, name="case_history"),
    path("ho-so/<int:pk>/ho-so-niem-phong.zip", views.dossier, name="dossier"),
    path("toan-ven/", views.integrity, name="integrity"),
    path("toan-ven/moc/<isoday:day>.json", views.checkpoint_file, name="checkpoint_file"),
    path("toan-ven/kiem-tra/", views.verify_now, name="verify_now"),
    path("truy-cap/", views.access_log, name="access_log"),
    path("truy-cap/<int:pk>/", views.subject_access, name="subject_access"),
]
