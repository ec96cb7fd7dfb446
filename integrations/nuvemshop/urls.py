from django.urls import path

from . import views

app_name = "nuvemshop"

# Mounted at /integrations/nuvemshop/ (config/urls.py).
urlpatterns = [
    path("", views.install_page, name="install"),
    path("connect/", views.connect, name="connect"),
    path("callback/", views.callback, name="callback"),
    path("callback/confirm/", views.confirm_install, name="confirm_install"),
    path("<int:pk>/ready/", views.ready, name="ready"),
    path("webhook/", views.webhook, name="webhook"),
]
