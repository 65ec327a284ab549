from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.views.i18n import set_language

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from media_assets.gate import serve_media
from news import sitemaps


urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/setlang/", set_language, name="set_language"),
    # The archive search's JSON API (read-only, anonymous): its schema at /api/v1/openapi.json.
    path("api/v1/", include("search.api_urls")),
    path("robots.txt", sitemaps.robots_txt, name="robots-txt"),
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap-index"),
    path(
        "sitemap-<section>.xml",
        sitemap,
        {"sitemaps": sitemaps.SITEMAPS},
        name="sitemap-section",
    ),
    # Everything under MEDIA_URL goes through the gate, on every server (media_assets.gate):
    # deny by default, decided on the normalised path; no plain static serving of MEDIA_ROOT.
    re_path(r"^%s(?P<path>.*)$" % settings.MEDIA_URL.lstrip("/"), serve_media),
    # Signed, per-person download links (media_assets.downloads): not language-prefixed.
    path("downloads/", include("media_assets.download_urls")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
urlpatterns += i18n_patterns(
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("search/", include("search.urls")),
    path("feeds/", include("news.urls")),
    path("", include("media_assets.part_urls")),
    path("", include("media_assets.urls")),
    path("", include(wagtail_urls)),
)

# Django's own 400 (e.g. too many fields) is the same page, in the person's language.
handler400 = "core.views.bad_request"
