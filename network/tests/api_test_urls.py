"""The portal's URLs plus one test-only API endpoint that creates something (an API key) on
POST, with an optional pause, for the idempotency tests of the API core."""

from __future__ import annotations

import time

from django.urls import include, path
from rest_framework import mixins, serializers
from rest_framework.routers import SimpleRouter

from network.api_base import EVERYONE, TenantViewSet
from network.api_keys import ApiKey, api_key_create
from network.urls import urlpatterns as portal_urlpatterns


class KeySerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiKey
        fields = ["id", "name", "prefix"]
        read_only_fields = ["id", "prefix"]


class KeyMaker(mixins.CreateModelMixin, TenantViewSet):
    roles = {"create": EVERYONE}
    serializer_class = KeySerializer

    def visible(self, membership):
        return ApiKey.objects.filter(user=membership.user)

    def perform_create(self, serializer):
        time.sleep(float(self.request.query_params.get("pause", 0)))
        request = self.request
        key, _raw = api_key_create(
            network=request._request.network,
            user=request.user,
            name=serializer.validated_data["name"],
            recently_authenticated=True,
        )
        serializer.instance = key


router = SimpleRouter()
router.register("keys", KeyMaker, basename="test-keys")
urlpatterns = [path("api/test/", include(router.urls)), *portal_urlpatterns]
