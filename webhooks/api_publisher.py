"""The publisher's postbacks through the API (/api/v1/publisher/postbacks/ and postback-log/):
the global and per-offer URLs, turning them on and off, a test call, and the log of every
call; through webhooks.postback_services, so the postbacks page's checks and audit entries
apply. Registered with network.api_router when this module loads (network.api_urls)."""

from __future__ import annotations

import django_filters.rest_framework as filters
from django.core.cache import cache
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from network import api_router
from network.api_base import ErrorSerializer, ListAndRetrieve
from network.api_docs import (
    EDIT,
    READ,
    answers,
    example,
    id_filter,
    listed,
    pressed,
    removed,
    roles_of,
    shown,
    written,
)
from offers.models import Offer
from publishers.api_base import PUBLISHER, PublisherViewSet
from webhooks import api_publisher_serializers as s
from webhooks.postback_services import postback_delete, postback_save, postback_set_active
from webhooks.postbacks import PostbackAttempt, PostbackEndpoint
from webhooks.tasks import send_test_postback
from webhooks.views_publisher import TEST_INTERVAL_SECONDS

POSTBACK_EXAMPLE = {
    "id": 5,
    "offer": 12,
    "offer_name": "Summer Sale",
    "url_template": "https://tracker.example/pb?click={aff_click_id}&status={status}",
    "events": ["created", "approved", "reversed"],
    "fire_on_approval": True,
    "state": "active",
    "consecutive_failures": 0,
    "disabled_at": None,
    "created_at": "2026-06-01T09:30:00Z",
}


GLOBAL_EXAMPLE = {**POSTBACK_EXAMPLE, "id": 4, "offer": None, "offer_name": None}


NEW_POSTBACK = {
    "url_template": "https://tracker.example/pb?click={aff_click_id}&status={status}",
    "events": ["created", "reversed"],
}


POSTBACKS = ["publisher: postbacks"]


def switch_schema(summary: str, description: str, named: tuple[str, object]):
    """Turning a postback on or off: no body, the postback answered (`named`: its example)."""
    return pressed(summary, description, s.PostbackSerializer, named, POSTBACKS)


class QueuedSerializer(serializers.Serializer):
    detail = serializers.CharField()


@extend_schema_view(
    list=listed(
        "List your postbacks",
        "Your global postback (offer null) and one per offer. A conversion calls its offer's "
        "postback when that one is active, else the global one.",
        s.PostbackSerializer,
        POSTBACKS,
    ),
    retrieve=shown(
        "One of your postbacks",
        s.PostbackSerializer,
        ("An offer's postback", POSTBACK_EXAMPLE),
        POSTBACKS,
    ),
    create=written(
        "Add a postback for one offer",
        "For an offer you run that has none yet; the URL is checked as on the postbacks page "
        "(http or https, known macros, none in the host). Audited.",
        s.PostbackSerializer,
        POSTBACKS,
        body=s.OfferPostbackSerializer,
        code=201,
        sent=("For offer 12", {**NEW_POSTBACK, "offer": 12}),
        answer=("The new postback", POSTBACK_EXAMPLE),
    ),
    update=written(
        "Change a postback",
        "Its URL and whether approvals call it too; it stays with its offer. Audited.",
        s.PostbackSerializer,
        POSTBACKS,
        sent=("New URL", NEW_POSTBACK),
        answer=("The postback", POSTBACK_EXAMPLE),
    ),
    partial_update=written(
        "Change part of a postback",
        "Only the fields sent change, checked as on the postbacks page; the offer stays the "
        "postback's own whatever the body says.",
        s.PostbackSerializer,
        POSTBACKS,
        sent=("Reversals too", {"events": ["created", "reversed"]}),
        answer=("The postback", POSTBACK_EXAMPLE),
    ),
    destroy=removed("Delete a postback", "Its call log goes with it. Audited.", POSTBACKS),
)
class PostbackViewSet(
    ListAndRetrieve,
    mixins.DestroyModelMixin,
    PublisherViewSet,
):
    roles = roles_of(
        PUBLISHER, *READ, *EDIT, "destroy", "enable", "disable", "test", "global_postback"
    )
    # As the pages: turning on, off, testing and deleting need no approved account.
    approved_only = (*READ, *EDIT, "global_postback")
    ordering_fields = ["created_at", "id"]
    ordering = ["created_at", "id"]
    filterset_fields: list[str] = []

    def visible(self, membership):
        return PostbackEndpoint.objects.filter(publisher_id=membership.publisher_id).select_related(
            "offer"
        )

    def get_serializer_class(self):
        if self.action == "create":
            return s.OfferPostbackSerializer
        return s.PostbackSerializer

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        if getattr(self, "request", None) is not None and self.membership is not None:
            context["publisher"] = self.membership.publisher
        return context

    def answer(self, endpoint: PostbackEndpoint, code: int = 200) -> Response:
        endpoint = self.get_queryset().get(pk=endpoint.pk)
        return Response(s.PostbackSerializer(endpoint).data, status=code)

    def save(self, serializer, offer: Offer | None) -> PostbackEndpoint:
        wanted = serializer.validated_data
        return postback_save(
            publisher=self.publisher,
            actor=self.request.user,
            offer=offer,
            url_template=wanted["url_template"],
            events=wanted["events"],
        )

    def create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint = self.save(serializer, serializer.validated_data["offer"])
        return self.answer(endpoint, status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        endpoint = self.get_object()
        serializer = self.get_serializer(endpoint, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return self.answer(self.save(serializer, endpoint.offer))

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)

    def perform_destroy(self, instance: PostbackEndpoint) -> None:
        postback_delete(endpoint=instance, actor=self.request.user)

    def switch(self, active: bool) -> Response:
        endpoint = self.get_object()
        postback_set_active(endpoint=endpoint, actor=self.request.user, active=active)
        return self.answer(endpoint)

    @switch_schema(
        "Turn a postback on",
        "Also after it was turned off for failing: its failure count starts again from 0. Audited.",
        ("On again", POSTBACK_EXAMPLE),
    )
    @action(detail=True, methods=["post"])
    def enable(self, request, pk=None):
        return self.switch(True)

    @switch_schema(
        "Turn a postback off",
        "Conversions stop calling it (an offer's then falls back to your global postback). "
        "Audited.",
        ("Off", {**POSTBACK_EXAMPLE, "state": "off"}),
    )
    @action(detail=True, methods=["post"])
    def disable(self, request, pk=None):
        return self.switch(False)

    @extend_schema(
        summary="Send a test call",
        description="Calls the postback once with sample values (conversion_id `test`), in "
        "the background; the outcome appears in the postback log. One test per postback "
        "every 10 seconds (else 429). Test calls never count as failures.",
        request=None,
        responses=answers(QueuedSerializer, 202, {429: ErrorSerializer}),
        examples=[
            OpenApiExample(
                "Queued",
                value={"detail": "Test call sent with sample values."},
                response_only=True,
                status_codes=["202"],
            )
        ],
        tags=POSTBACKS,
    )
    @action(detail=True, methods=["post"])
    def test(self, request, pk=None):
        endpoint = self.get_object()
        key = f"postback-test:{request._request.network.pk}:{endpoint.pk}"
        if not cache.add(key, 1, TEST_INTERVAL_SECONDS):
            raise exceptions.Throttled(
                wait=TEST_INTERVAL_SECONDS,
                detail=_("A test call was just sent: wait a few seconds before the next."),
            )
        send_test_postback.delay_on_commit(
            network_id=request._request.network.pk, postback_endpoint_id=endpoint.pk
        )
        message = _("Test call sent with sample values. Its result appears in the log shortly.")
        return Response({"detail": message}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        methods=["GET"],
        summary="Your global postback",
        description="The postback of every offer that has none of its own; 404 while you "
        "have none.",
        request=None,
        responses=answers(s.PostbackSerializer),
        examples=[example("The global postback", GLOBAL_EXAMPLE)],
        tags=POSTBACKS,
    )
    @extend_schema(
        methods=["PUT"],
        summary="Set your global postback",
        description="Creates it (201) or changes it (200), as the postbacks page's form; audited.",
        request=s.PostbackSerializer,
        responses=answers(s.PostbackSerializer, 200, {201: s.PostbackSerializer}),
        examples=[
            example("Global URL", NEW_POSTBACK, request=True),
            example("The global postback", GLOBAL_EXAMPLE),
        ],
        tags=POSTBACKS,
    )
    @action(detail=False, methods=["get", "put"], url_path="global", url_name="global")
    def global_postback(self, request):
        endpoint = self.get_queryset().filter(offer__isnull=True).first()
        if request.method == "GET":
            if endpoint is None:
                raise exceptions.NotFound(_("You have no global postback yet."))
            return self.answer(endpoint)
        serializer = self.get_serializer(endpoint, data=request.data)
        serializer.is_valid(raise_exception=True)
        saved = self.save(serializer, None)
        return self.answer(saved, status.HTTP_201_CREATED if endpoint is None else 200)


class AttemptFilter(filters.FilterSet):
    outcome = filters.ChoiceFilter(choices=[(o, o) for o in s.OUTCOMES], method="by_outcome")
    event = filters.ChoiceFilter(choices=PostbackAttempt.Event.choices)
    # Bounded ids: a number past the database's integers answered 500 (SQLite: OverflowError).
    offer = id_filter("endpoint__offer_id", "An offer's id.")
    postback = id_filter("endpoint_id", "A postback's id.")

    def by_outcome(self, queryset, name, value):
        if value == "no_response":
            return queryset.filter(status_code__isnull=True)
        ok = {"status_code__gte": 200, "status_code__lt": 300}
        if value == "ok":
            return queryset.filter(**ok)
        return queryset.filter(status_code__isnull=False).exclude(**ok)


ATTEMPT_EXAMPLE = {
    "id": 300,
    "postback": 5,
    "offer": 12,
    "conversion": 901,
    "event": "created",
    "url": "https://tracker.example/pb?click=abc&payout=8.00",
    "outcome": "http_error",
    "status_code": 500,
    "error": "",
    "elapsed_ms": 120,
    "attempt_number": 1,
    "created_at": "2026-06-02T10:00:01Z",
}


@extend_schema_view(
    list=listed(
        "Your postbacks' call log",
        "Every call, newest first: its URL, HTTP status or error, time taken and attempt. "
        "Filter by `outcome` (ok, http_error, no_response), `event`, `offer`, `postback`.",
        s.PostbackAttemptSerializer,
        POSTBACKS,
    ),
    retrieve=shown(
        "One call of a postback",
        s.PostbackAttemptSerializer,
        ("A refused call", ATTEMPT_EXAMPLE),
        POSTBACKS,
    ),
)
class PostbackLogViewSet(ListAndRetrieve, PublisherViewSet):
    roles = roles_of(PUBLISHER, *READ)
    approved_only = ("list", "retrieve")
    serializer_class = s.PostbackAttemptSerializer
    filterset_class = AttemptFilter
    ordering_fields = ["created_at", "id"]
    ordering = ["-created_at", "-id"]

    def visible(self, membership):
        return PostbackAttempt.objects.filter(
            endpoint__publisher_id=membership.publisher_id
        ).select_related("endpoint")


api_router.register("publisher", "postbacks", PostbackViewSet, basename="publisher-postbacks")
api_router.register(
    "publisher", "postback-log", PostbackLogViewSet, basename="publisher-postback-log"
)
