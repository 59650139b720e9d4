from django.urls import path

from . import exports, feeds, opendata, views

app_name = "policies"

urlpatterns = [
    path("", views.home, name="home"),
    path("commitments/", views.CommitmentListView.as_view(), name="commitments"),
    path("commitments/export/", exports.commitment_export, name="commitments_export"),
    path("data/open-data.zip", opendata.open_data_zip, name="open_data"),
    path("commitments/<int:pk>/", views.commitment_detail, name="commitment"),
    path("sources/<slug:slug>/", views.source_detail, name="source"),
    path("tasks/<str:code>/", views.task_detail, name="task"),
    path("organizations/<int:pk>/", views.organization_detail, name="organization"),
    path("officials/<int:pk>/", views.official_detail, name="official"),
    path("feeds/updates/", feeds.UpdatesFeed(), name="feed_updates"),
    path("feeds/organizations/<int:pk>/", feeds.OrganizationUpdatesFeed(), name="feed_organization"),
    path("feeds/tasks/<str:code>/", feeds.TaskUpdatesFeed(), name="feed_task"),
    path("feeds/conferences/<int:pk>/", feeds.ConferenceUpdatesFeed(), name="feed_conference"),
    path("feeds/commitments/<int:pk>/", feeds.CommitmentUpdatesFeed(), name="feed_commitment"),
]
