from wagtail.models import Site

from home.models import HomePage
from home.services import ensure_site_tree
from news.models import NewsIndexPage


def test_site_tree_has_home_and_news_in_both_languages(site_tree):
    # then
    assert site_tree.home_in("fr").title == "Salle de presse"
    assert site_tree.news_in("fr").title == "Communiqués de presse"
    assert Site.objects.get(is_default_site=True).root_page_id == site_tree.home.pk


def test_site_tree_is_idempotent(site_tree):
    # when
    ensure_site_tree(hostname="testserver")

    # then
    assert HomePage.objects.count() == 2
    assert NewsIndexPage.objects.count() == 2
