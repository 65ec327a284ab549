import factory
from allauth.account.models import EmailAddress

from accounts.models import User


class UserFactory(factory.django.DjangoModelFactory):
    email = factory.Sequence(lambda n: "person%d@example.org" % n)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password("Correct-Horse-42!")

    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True


class VerifiedJournalistFactory(UserFactory):
    organisation = "Agence de presse"

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.update_or_create(
                user=obj, email=obj.email, defaults={"verified": True, "primary": True}
            )
