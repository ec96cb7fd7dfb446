app_name = "nuvemshop"

urlpatterns = []
