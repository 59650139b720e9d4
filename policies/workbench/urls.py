from django.urls import path

from . import views

app_name = "workbench"

urlpatterns = [
    path("", views.index, name="index"),
    path("review/", views.review, name="review"),
    path("commitments/<int:pk>/close/", views.close, name="close"),
    path("commitments/<int:pk>/chase/", views.chase, name="chase"),
    path("reports/monthly/", views.monthly_report, name="monthly_report"),
]
