app_name = "loja_integrada"

urlpatterns = []
