from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailUserManager(UserManager):
    """A user manager whose log-in is the e-mail address (no username)."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    organisation = models.CharField(
        _("organisation or media outlet"),
        max_length=200,
        blank=True,
        help_text=_("Download reports are grouped by organisation."),
    )

    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_(
            "The language of the site when the person signed up: their e-mails use it."
        ),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = EmailUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self):
        return self.get_full_name() or self.email


class NewsletterConsentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(withdrawn_at__isnull=True)


class NewsletterConsent(models.Model):
    """One opt-in to the newsletter: when, in which language, with which wording.

    Rows are kept after withdrawal (the record of consent); at most one is active per person.
    """

    class Channel(models.TextChoices):
        WELCOME_PAGE = "welcome", _("welcome page")
        ACCOUNT_PAGE = "account", _("account page")
        EMAIL_LINK = "email_link", _("unsubscribe link in an e-mail")

    user = models.ForeignKey(
        User,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="newsletter_consents",
    )
    given_at = models.DateTimeField(_("given at"), auto_now_add=True)
    given_via = models.CharField(_("given via"), max_length=20, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=10)
    wording = models.TextField(
        _("wording"), help_text=_("The sentence the person agreed to, as shown.")
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_via = models.CharField(
        _("withdrawn via"), max_length=20, choices=Channel.choices, blank=True
    )

    objects = NewsletterConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("newsletter consent")
        verbose_name_plural = _("newsletter consents")
        ordering = ["-given_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="accounts_one_active_newsletter_consent",
            )
        ]

    def __str__(self):
        return "%s (%s)" % (self.user.email, self.given_at.date())

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None
