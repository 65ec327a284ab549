from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from accounts.models import NewsletterConsent


_WRITE_ACTIONS = {"add", "change", "delete"}


class ConsentRecordPermissionPolicy(ModelPermissionPolicy):
    """Consents are evidence: the press office views and exports them, never edits them."""

    def user_has_permission(self, user, action):
        if action in _WRITE_ACTIONS:
            return False
        return super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission(
            [action for action in actions if action not in _WRITE_ACTIONS]
        )


register_permission_policy(
    NewsletterConsent, ConsentRecordPermissionPolicy(NewsletterConsent)
)


class NewsletterConsentViewSet(ModelViewSet):
    model = NewsletterConsent
    name = "newsletter_consents"
    icon = "mail"
    menu_label = _("Newsletter consents")
    add_to_settings_menu = True
    inspect_view_enabled = True
    list_display = ["user", "language", "given_via", "given_at", "withdrawn_at"]
    list_filter = ["language", "given_via", "withdrawn_via"]
    search_fields = ["user__email"]
    search_backend_name = None
    list_export = [
        "user",
        "language",
        "wording",
        "given_via",
        "given_at",
        "withdrawn_via",
        "withdrawn_at",
    ]
    # Required by the (unreachable) create and edit views.
    exclude_form_fields = []

    def get_index_view_kwargs(self, **kwargs):
        # One joined query for the people, not one per row.
        return super().get_index_view_kwargs(
            queryset=NewsletterConsent.objects.select_related("user"), **kwargs
        )


@hooks.register("register_admin_viewset")
def register_newsletter_consent_viewset():
    return NewsletterConsentViewSet()
