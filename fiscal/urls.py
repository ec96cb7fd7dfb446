from django.urls import path

from . import views

app_name = "fiscal"
urlpatterns = [path("nfe/<int:pk>/draft.xml", views.download_draft, name="nfe_draft")]
