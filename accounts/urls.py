from django.urls import path

from accounts import code_views, views


app_name = "accounts"

urlpatterns = [
    # allauth's code forms, shown our way (accounts.code_views): same paths and names as
    # allauth's, which the adapter's messages look up.
    path(
        "confirm-email/",
        code_views.email_verification_sent,
        name="account_email_verification_sent",
    ),
    path(
        "password/reset/confirm/",
        code_views.confirm_password_reset_code,
        name="account_confirm_password_reset_code",
    ),
    path("welcome/", views.welcome, name="welcome"),
    path("profile/", views.profile, name="profile"),
    path(
        "newsletter/subscribe/", views.newsletter_subscribe, name="newsletter-subscribe"
    ),
    path("newsletter/withdraw/", views.newsletter_withdraw, name="newsletter-withdraw"),
    path(
        "newsletter/unsubscribe/<str:token>/",
        views.newsletter_unsubscribe,
        name="newsletter-unsubscribe",
    ),
]
