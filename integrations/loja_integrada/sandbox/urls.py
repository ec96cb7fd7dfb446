app_name = "loja_integrada_sandbox"

urlpatterns = []
