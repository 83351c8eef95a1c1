"""URLs of the bare platform host (PLATFORM_DOMAIN): create or pick a network, Django admin."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from network import views_platform

# Staff sign in through allauth's login like everyone else: its rate limits, email
# verification and two-factor step apply to the admin too (the admin's own form had none).
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", views_platform.home, name="home"),
    path("networks/new/", views_platform.create_network, name="create_network"),
    path("networks/<slug:slug>/open/", views_platform.open_network, name="open_network"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]
