import wagtail_factories

from home.models import HomePage


class HomePageFactory(wagtail_factories.PageFactory):
    title = "Newsroom"
    slug = "home"

    class Meta:
        model = HomePage
