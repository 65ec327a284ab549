from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.views.i18n import set_language

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from news import media_gate, sitemaps


urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/setlang/", set_language, name="set_language"),
    path("robots.txt", sitemaps.robots_txt, name="robots-txt"),
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap-index"),
    path(
        "sitemap-<section>.xml",
        sitemap,
        {"sitemaps": sitemaps.SITEMAPS},
        name="sitemap-section",
    ),
    # Posters and previews of embargoed videos: before the plain file serving (news.media_gate).
    re_path(
        r"^%s(?P<kind>images|original_images)/(?P<name>.+)$"
        % settings.MEDIA_URL.lstrip("/"),
        media_gate.serve_image,
    ),
    re_path(
        r"^%spreviews/(?P<name>.+)$" % settings.MEDIA_URL.lstrip("/"),
        media_gate.serve_preview,
    ),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
if settings.SERVE_MEDIA:
    # Development and tests only: in production the web server serves MEDIA_ROOT.
    from django.views.static import serve

    urlpatterns += [
        path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})
    ]

urlpatterns += i18n_patterns(
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("search/", include("search.urls")),
    path("feeds/", include("news.urls")),
    path("", include(wagtail_urls)),
)
