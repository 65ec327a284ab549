from django.urls import path

from media_assets import part_views


app_name = "parts"

urlpatterns = [
    path("parts/choose/<int:pk>/", part_views.choose_part, name="choose"),
    path("parts/<int:pk>/", part_views.part_status, name="status"),
    path("parts/<int:pk>/download/", part_views.part_download, name="download"),
]
