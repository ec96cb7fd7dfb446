from django.urls import path

from . import api, views

app_name = "loja_integrada_sandbox"

urlpatterns = [
    path("", views.index, name="index"),
    path("stores/", views.create_store, name="create_store"),
    path("stores/<int:pk>/orders/", views.add_order, name="add_order"),
    path("orders/<int:pk>/situation/", views.change_situation, name="change_situation"),
    # The API, under the same paths as https://api.awsli.com.br/v1/.
    path("v1/pedido/search/", api.order_search, name="order_search"),
    path("v1/pedido/search", api.order_search),
    path("v1/pedido/<int:numero>", api.order_detail, name="order_detail"),
    path("v1/pedido/<int:numero>/", api.order_detail),
    path("v1/situacao/", api.situation_list, name="situation_list"),
]
