from django.urls import path

from accounts import views


app_name = "accounts"

urlpatterns = [
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
