from django.urls import path

from media_assets import views


app_name = "media_assets"

urlpatterns = [
    path("videos/<int:pk>/<slug:slug>/", views.video_detail, name="video-detail"),
    path(
        "videos/<int:pk>/<slug:slug>/download/",
        views.request_download,
        name="video-download",
    ),
]
