"""The project's URLs plus stand-ins for the store packages' connect pages (built in parallel)."""

from django.http import HttpResponse
from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns


def _stub(request):
    return HttpResponse("connect")


urlpatterns = [
    path("stub/li/", include(([path("connect/", _stub, name="connect")], "loja_integrada"))),
    path("stub/ns/", include(([path("install/", _stub, name="install")], "nuvemshop"))),
    *[p for p in project_urlpatterns if getattr(p, "namespace", None) not in ("loja_integrada", "nuvemshop")],
]
