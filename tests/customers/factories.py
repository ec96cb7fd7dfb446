import factory

from customers.models import Customer


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Faker("name", locale="pt_BR")
    document = factory.Faker("cpf", locale="pt_BR")
    email = factory.Faker("email")
    mobile_phone = "11987654321"
