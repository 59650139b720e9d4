from django.urls import path

from . import views

app_name = "following"

urlpatterns = [
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unfollow/<str:token>/", views.unfollow, name="unfollow"),
    path("forget/<str:token>/", views.forget, name="forget"),
    path("<str:kind>/<int:pk>/", views.follow, name="follow"),
]
