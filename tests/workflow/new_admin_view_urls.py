"""The project's URLs plus one admin view that the translator middleware does not know."""

from django.contrib.auth.models import Group
from django.http import HttpResponse
from django.urls import path

from cms.urls import urlpatterns as project_urlpatterns


def new_admin_view(request):
    """Stands for any admin view added later (reports, clips, ...): it records each write."""
    if request.method == "POST":
        Group.objects.create(name="written by %s" % request.user.email)
    return HttpResponse("done")


urlpatterns = [
    path("admin/new-feature/", new_admin_view, name="news_new_feature"),
    *project_urlpatterns,
]
