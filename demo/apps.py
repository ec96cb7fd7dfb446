from django.apps import AppConfig


class DemoConfig(AppConfig):
    """`manage.py demo`: sample users, customers, products, sales and sandbox stores. It sits above
    every app it seeds; nothing imports it."""

    name = "demo"
    verbose_name = "Demo"
