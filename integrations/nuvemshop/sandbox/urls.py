app_name = "nuvemshop_sandbox"

urlpatterns = []
