from django.urls import path

from news.feeds import LatestReleasesAtomFeed, LatestReleasesFeed


app_name = "news"

urlpatterns = [
    path("releases.rss", LatestReleasesFeed(), name="feed-rss"),
    path("releases.atom", LatestReleasesAtomFeed(), name="feed-atom"),
]
