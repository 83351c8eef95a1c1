"""One URL, the click's path, so that both sides answer the same request line."""

from django.http import HttpRequest, HttpResponseRedirect
from django.urls import path


def redirect(request: HttpRequest) -> HttpResponseRedirect:
    return HttpResponseRedirect("https://shop.example/")


urlpatterns = [path("aff_c", redirect)]
