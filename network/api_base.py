"""What every API viewset shares: the rows it may see, the ids it accepts, idempotent POSTs.

`TenantViewSet` owns `get_queryset()`: it asks the subclass for the rows the caller's role may
see (`visible(membership)`) and always narrows them to the request's network. A subclass that
defines `get_queryset` (or a class-level `queryset`) is refused when the class is created, so
none can bypass it. Roles are declared per action in `roles`; an action not listed there is
refused (fail closed). Policies (permission, pages, errors, rate limits): network.api_policy.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from network import api_idempotency as idempotency
from network import audit_hook
from network.api_keys import ApiKey
from network.api_policy import IpThrottledFirst, MemberOfNetwork, handles_method, membership_of
from network.models import ADMIN_ROLES, Membership, Role

ADMINS = tuple(ADMIN_ROLES)
EVERYONE = (*ADMINS, Role.ADVERTISER, Role.PUBLISHER)


class TenantViewSet(IpThrottledFirst, viewsets.GenericViewSet):
    """Base of every API viewset: tenant and role filtering that subclasses cannot skip."""

    roles: ClassVar[dict[str, tuple[str, ...]]] = {}
    permission_classes = [MemberOfNetwork]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__ or "queryset" in cls.__dict__:
            raise TypeError(f"{cls.__name__}: define visible(membership), not get_queryset")

    @classmethod
    def allowed_roles(cls, action: str | None) -> tuple[str, ...]:
        """The roles of `action`. None is a method the route lacks: the roles of any action
        here, so that a role this viewset is not for gets 403 before anything reads its
        company (a publisher's viewset reads `membership.publisher`), and the others 405."""
        if action is None:
            return tuple({role for roles in cls.roles.values() for role in roles})
        return cls.roles.get(action, ())

    @property
    def membership(self) -> Membership:
        return membership_of(self.request)

    def body_of(self, serializer_class: type[serializers.Serializer], *, partial=False) -> dict:
        """The request's body, typed and checked by `serializer_class` (else 400)."""
        body = serializer_class(
            data=self.request.data, partial=partial, context=self.get_serializer_context()
        )
        body.is_valid(raise_exception=True)
        return body.validated_data

    def visible(self, membership: Membership) -> QuerySet:
        """The rows this member's role may see (the network filter is added after)."""
        raise NotImplementedError

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no caller
            return self.visible_model().objects.none()
        network = self.request._request.network
        return self.visible(self.membership).filter(network=network)

    def visible_model(self):
        return self.get_serializer_class().Meta.model

    def initial(self, request, *args, **kwargs) -> None:
        self.idempotency = None
        super().initial(request, *args, **kwargs)  # authentication, roles, rate limits
        if isinstance(request.auth, ApiKey):  # audit rows say the change came through a key
            audit_hook.acting_via(f"API key {request.auth.prefix}")
        # A POST the route lacks is answered 405 next: nothing to claim, no body to read.
        if request.method == "POST" and handles_method(self, "post"):
            self.idempotency = idempotency.claim(request)

    def handle_exception(self, exc):
        if isinstance(exc, idempotency.Replay):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        audit_hook.acting_via("")
        if getattr(self, "idempotency", None) is not None:
            idempotency.settle(self.idempotency, response)
            self.idempotency = None
        return super().finalize_response(request, response, *args, **kwargs)


# A viewset's list and retrieve actions (DRF's mixins), as most of the API's are read. No
# docstring: the schema would take it as the description of their operations.
class ListAndRetrieve(mixins.ListModelMixin, mixins.RetrieveModelMixin):
    pass


class NetworkRelatedField(serializers.PrimaryKeyRelatedField):
    """An id the caller submits: it must name a row of the request's network that the
    caller's role may use (`limit(rows, membership)`), else "does not exist"."""

    def __init__(self, model, limit=None, **kwargs: Any) -> None:
        self.model, self.limit = model, limit
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet:
        request = self.context["request"]
        rows = self.model.objects.filter(network=request._request.network)
        if self.limit is not None:
            rows = self.limit(rows, membership_of(request))
        return rows


# A row as the API answers it: every field of its Meta read only (a write has its own
# serializer, judged by the page's form). No docstring: the schema would take it as the
# description of every serializer that has none.
class ReadOnlyModelSerializer(serializers.ModelSerializer):
    def get_extra_kwargs(self) -> dict:
        extra = super().get_extra_kwargs()
        for name in self.Meta.fields:
            extra[name] = {**extra.get(name, {}), "read_only": True}
        return extra


@extend_schema_field(OpenApiTypes.INT)
class IdField(NetworkRelatedField):
    """An id of this network's rows (typed for the schema: written in a plain serializer)."""


class ErrorSerializer(serializers.Serializer):
    """The body of every 4xx answer (for the schema)."""

    class Detail(serializers.Serializer):
        status = serializers.IntegerField()
        code = serializers.CharField()
        message = serializers.CharField()
        fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))

    error = Detail()


def created(data: Any) -> Response:
    return Response(data, status=status.HTTP_201_CREATED)
