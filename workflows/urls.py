from django.urls import path

from .officer import nominate_views, views
from .officer import steps as step_views
from .people import views as people_views
from .supervision import views as supervision_views

app_name = "workflows"

urlpatterns = [
    path("hop-viec/", views.InboxView.as_view(), name="inbox"),
    path("hang-cho/", views.QueueView.as_view(), name="queue"),
    path("da-xu-ly/", views.ArchiveView.as_view(), name="archive"),
    path("nhan-viec/", views.claim, name="claim"),
    path("xet-theo-lo/", views.batch, name="batch"),
    path("tra-viec/<int:task_pk>/", views.release, name="release"),
    path("rut-ho-so/<int:case_pk>/", views.withdraw, name="withdraw"),
    *step_views.urlpatterns,
    *nominate_views.urlpatterns,
    *supervision_views.urlpatterns,
    *people_views.urlpatterns,
]
