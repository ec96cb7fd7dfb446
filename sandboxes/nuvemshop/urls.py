from django.urls import path, re_path

from . import views

app_name = "nuvemshop_sandbox"

# Mounted at /sandbox/nuvemshop/ only when STORE_SANDBOXES is on (config/urls.py).
urlpatterns = [
    path("", views.home, name="home"),
    path("apps/<str:app_id>/authorize", views.authorize, name="authorize"),
    path("apps/authorize/token", views.token, name="token"),
    re_path(r"^v1/(?P<store_id>[0-9]+)/(?P<resource>.+)$", views.api, name="api"),
]
