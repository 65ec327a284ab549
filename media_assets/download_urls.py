from django.urls import path

from media_assets import views


app_name = "downloads"

urlpatterns = [
    path("<str:signed>/<str:filename>", views.serve_download, name="file"),
]
