"""The JSON API's URLs, for `include()` (the project's urls name no search module)."""

from search.api import api


urlpatterns = api.urls[0]
app_name = "search-api"
