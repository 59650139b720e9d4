from django.urls import path

from . import views

app_name = "policies"

urlpatterns = [
    path("", views.home, name="home"),
    path("conferences/", views.conference_list, name="conferences"),
    path("conferences/<slug:slug>/", views.conference_dashboard, name="conference"),
    path("conferences/<slug:slug>/commitments/", views.CommitmentListView.as_view(), name="conference_commitments"),
    path("conferences/<slug:conference_slug>/tasks/<str:code>/", views.task_detail, name="task"),
    path("conferences/<slug:conference_slug>/sources/<slug:slug>/", views.source_detail, name="source"),
    path("commitments/", views.CommitmentListView.as_view(), name="commitments"),
    path("commitments/<int:pk>/", views.commitment_detail, name="commitment"),
    path("organizations/<int:pk>/", views.organization_detail, name="organization"),
    path("officials/<int:pk>/", views.official_detail, name="official"),
    # Before conferences named the URLs (kept: they were shared and printed).
    path("sources/<slug:slug>/", views.legacy_source, name="legacy_source"),
    path("tasks/<str:code>/", views.legacy_task, name="legacy_task"),
]
