"""A URL configuration holding only the JSON API.

A problem document with status 404 names it as `request.urlconf`: Django's LocaleMiddleware
otherwise turns any 404 outside the language prefixes into a redirect to /en/… (Wagtail's
catch-all route makes every such path look valid).
"""

from django.urls import include, path


urlpatterns = [path("api/v1/", include("search.api_urls"))]
