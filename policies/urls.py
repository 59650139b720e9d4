from django.urls import path

from . import exports, opendata, views

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
]
