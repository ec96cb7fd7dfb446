from django.urls import path

from . import views

app_name = "loja_integrada"

urlpatterns = [
    path("connect/", views.connect, name="connect"),
]
