"""GET /api/v1/me/: who the key (or session) acts as in this network; the first call to try."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from network.api_base import EVERYONE
from network.api_keys import ApiKey
from network.api_policy import IpThrottledFirst, MemberOfNetwork, membership_of


class MeSerializer(serializers.Serializer):
    email = serializers.EmailField()
    network = serializers.CharField(help_text="The network's slug.")
    role = serializers.ChoiceField(choices=["owner", "manager", "advertiser", "publisher"])
    advertiser_id = serializers.IntegerField(allow_null=True)
    publisher_id = serializers.IntegerField(allow_null=True)
    api_key = serializers.CharField(allow_null=True, help_text="The key's prefix, if a key.")


class MeView(IpThrottledFirst, APIView):
    permission_classes = [MemberOfNetwork]

    @staticmethod
    def allowed_roles(action) -> tuple[str, ...]:
        return EVERYONE

    action = "retrieve"

    @extend_schema(
        summary="Who am I",
        description="The caller's email, network, role and company, and the key in use.",
        responses=MeSerializer,
        examples=[
            OpenApiExample(
                "A publisher's key",
                value={
                    "email": "pub@example.com",
                    "network": "demo",
                    "role": "publisher",
                    "advertiser_id": None,
                    "publisher_id": 7,
                    "api_key": "1a2b3c4d",
                },
            )
        ],
        tags=["me"],
    )
    def get(self, request):
        membership = membership_of(request)
        key = request.auth if isinstance(request.auth, ApiKey) else None
        data = {
            "email": request.user.email,
            "network": request._request.network.slug,
            "role": membership.role,
            "advertiser_id": membership.advertiser_id,
            "publisher_id": membership.publisher_id,
            "api_key": key.prefix if key else None,
        }
        return Response(MeSerializer(data).data)
