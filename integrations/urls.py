from django.urls import path

from . import views

app_name = "integrations"

urlpatterns = [
    path("", views.IntegrationListView.as_view(), name="list"),
    path("import-log/", views.ImportLogView.as_view(), name="import_log"),
    path("import-log/retry/", views.retry_records, name="retry"),
    path("<int:pk>/", views.IntegrationDetailView.as_view(), name="detail"),
    path("<int:pk>/enabled/", views.toggle_integration, name="toggle"),
    path("<int:pk>/disable/", views.confirm_disable, name="confirm_disable"),
    path("<int:pk>/import/", views.import_now, name="import_now"),
    path("<int:pk>/runs/<int:run_pk>/", views.ImportRunView.as_view(), name="run"),
]
