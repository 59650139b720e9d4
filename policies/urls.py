from django.urls import path

from . import views

app_name = "policies"

urlpatterns = [
    path("", views.home, name="home"),
    path("commitments/<int:pk>/", views.commitment_detail, name="commitment"),
    path("sources/<slug:slug>/", views.source_detail, name="source"),
]
