from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from cases.models import Membership, Organisation
from cases.roles import OrganisationKind, Role

DEMO_TEST_PASSWORD = "test-lösenord-2026"  # noqa: S105


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Socialnämnden Test {n}")
    kind = OrganisationKind.KOMMUN


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Testa"
    last_name = factory.Sequence(lambda n: f"Testsson{n}")
    password = factory.PostGenerationMethodCall("set_password", DEMO_TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create: bool, extracted: object, **kwargs: object) -> None:  # noqa: N805
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.SOCIALSEKRETERARE
