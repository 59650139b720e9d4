from django.urls import path

from . import exports, feeds, opendata, views

app_name = "policies"

urlpatterns = [
    path("", views.home, name="home"),
    path("conferences/", views.conference_list, name="conferences"),
    path("conferences/<slug:slug>/", views.conference_dashboard, name="conference"),
    path("conferences/<slug:slug>/commitments/", views.CommitmentListView.as_view(), name="conference_commitments"),
    path("conferences/<slug:slug>/organizations/", views.organization_list, name="conference_organizations"),
    path("conferences/<slug:conference_slug>/tasks/<str:code>/", views.task_detail, name="task"),
    path("conferences/<slug:conference_slug>/sources/<slug:slug>/", views.source_detail, name="source"),
    path("commitments/", views.CommitmentListView.as_view(), name="commitments"),
    path("commitments/export/", exports.commitment_export, name="commitments_export"),
    path("data/open-data.zip", opendata.open_data_zip, name="open_data"),
    path("commitments/<int:pk>/", views.commitment_detail, name="commitment"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
    path("organizations/<int:pk>/", views.organization_detail, name="organization"),
    path("officials/<int:pk>/", views.official_detail, name="official"),
    # Before conferences named the URLs (kept: they were shared and printed).
    path("sources/<slug:slug>/", views.legacy_source, name="legacy_source"),
    path("tasks/<str:code>/", views.legacy_task, name="legacy_task"),
    path("feeds/updates/", feeds.UpdatesFeed(), name="feed_updates"),
    path("feeds/organizations/<int:pk>/", feeds.OrganizationUpdatesFeed(), name="feed_organization"),
    path("feeds/tasks/<str:code>/", feeds.TaskUpdatesFeed(), name="feed_task"),
    path("feeds/conferences/<int:pk>/", feeds.ConferenceUpdatesFeed(), name="feed_conference"),
    path("feeds/commitments/<int:pk>/", feeds.CommitmentUpdatesFeed(), name="feed_commitment"),
]
