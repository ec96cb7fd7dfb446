from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

# The admin login goes through allauth, so its rate limits, lockout and MFA apply there too.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("accounts/", include("allauth.urls")),
    path("integrations/loja-integrada/", include("integrations.loja_integrada.urls")),
    path("integrations/nuvemshop/", include("integrations.nuvemshop.urls")),
    path("integrations/", include("integrations.urls")),
    path("fiscal/", include("fiscal.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

if settings.STORE_SANDBOXES:
    urlpatterns += [
        path("sandbox/loja-integrada/", include("sandboxes.loja_integrada.urls")),
        path("sandbox/nuvemshop/", include("sandboxes.nuvemshop.urls")),
    ]
