"""The webhook pages of owners and managers, under /manage/webhooks/: endpoints (create,
edit, turn off, delete, rotate the secret, send a test ping) and the delivery log."""

from __future__ import annotations

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lib.tables import configure
from lib.views import render_in_network_time
from network.access import ADMINS, posted, role_required
from webhooks import services
from webhooks.delivery.engine import MAX_CONSECUTIVE_FAILURES
from webhooks.filters import DeliveryFilter
from webhooks.forms import EndpointForm
from webhooks.models import SUBSCRIBABLE, WebhookDelivery, WebhookEndpoint
from webhooks.signing import body_bytes
from webhooks.tables import DeliveryTable

TEST_INTERVAL_SECONDS = 5  # one test ping per endpoint per 5 s


def chosen_events(form: EndpointForm) -> list[str]:
    """The ticked events in the page's order, whatever order the browser sent."""
    ticked = set(form.cleaned_data["events"])
    return [value for value, _label in SUBSCRIBABLE if value in ticked]


def form_values(endpoint: WebhookEndpoint) -> dict:
    """The endpoint's saved values, as EndpointForm's fields (the page's initial values, the
    API's base of a partial update)."""
    return {
        "url": endpoint.url,
        "description": endpoint.description,
        "events": endpoint.events,
        "is_active": endpoint.is_active,
    }


def update_from_form(endpoint: WebhookEndpoint, actor, form: EndpointForm) -> None:
    """The page's and the API's edit: a valid EndpointForm's values saved by the service."""
    services.endpoint_update(
        endpoint=endpoint,
        actor=actor,
        url=form.cleaned_data["url"],
        description=form.cleaned_data["description"],
        events=chosen_events(form),
        is_active=form.cleaned_data["is_active"],
    )


@role_required(*ADMINS)
def webhook_list(request: HttpRequest) -> HttpResponse:
    endpoints = WebhookEndpoint.objects.order_by("created_at", "pk")
    return render_in_network_time(
        request,
        "webhooks/list.html",
        {"endpoints": endpoints, "max_failures": MAX_CONSECUTIVE_FAILURES},
    )


@role_required(*ADMINS)
def webhook_create(request: HttpRequest) -> HttpResponse:
    form = EndpointForm(posted(request))
    if request.method == "POST" and form.is_valid():
        endpoint = services.endpoint_create(
            network=request.network,
            actor=request.user,
            url=form.cleaned_data["url"],
            description=form.cleaned_data["description"],
            events=chosen_events(form),
        )
        messages.success(
            request, _("Webhook added. Copy its signing secret into your receiving system.")
        )
        return redirect("webhook_edit", webhook_endpoint_id=endpoint.pk)
    return render_in_network_time(request, "webhooks/form.html", {"form": form})


@role_required(*ADMINS)
def webhook_edit(request: HttpRequest, webhook_endpoint_id: int) -> HttpResponse:
    endpoint = get_object_or_404(WebhookEndpoint, pk=webhook_endpoint_id)
    form = EndpointForm(posted(request), initial=form_values(endpoint))
    if request.method == "POST" and form.is_valid():
        update_from_form(endpoint, request.user, form)
        messages.success(request, _("Webhook saved."))
        return redirect("webhook_edit", webhook_endpoint_id=endpoint.pk)
    recent = endpoint.deliveries.order_by("-created_at", "-id")[:10]
    return render_in_network_time(
        request,
        "webhooks/form.html",
        {
            "form": form,
            "endpoint": endpoint,
            "recent": recent,
            "max_failures": MAX_CONSECUTIVE_FAILURES,
        },
    )


@role_required(*ADMINS)
@require_POST
def webhook_rotate_secret(request: HttpRequest, webhook_endpoint_id: int) -> HttpResponse:
    endpoint = get_object_or_404(WebhookEndpoint, pk=webhook_endpoint_id)
    services.endpoint_rotate_secret(endpoint=endpoint, actor=request.user)
    messages.success(
        request,
        _("New signing secret made: the old one no longer signs anything. Update your receiver."),
    )
    return redirect("webhook_edit", webhook_endpoint_id=endpoint.pk)


@role_required(*ADMINS)
@require_POST
def webhook_delete(request: HttpRequest, webhook_endpoint_id: int) -> HttpResponse:
    endpoint = get_object_or_404(WebhookEndpoint, pk=webhook_endpoint_id)
    services.endpoint_delete(endpoint=endpoint, actor=request.user)
    messages.success(request, _("Webhook deleted, with its delivery log."))
    return redirect("webhook_list")


@role_required(*ADMINS)
@require_POST
def webhook_test(request: HttpRequest, webhook_endpoint_id: int) -> HttpResponse:
    """A ping now, in this request, and its outcome on the delivery's page."""
    endpoint = get_object_or_404(WebhookEndpoint, pk=webhook_endpoint_id)
    key = f"webhook-test:{request.network.pk}:{endpoint.pk}"
    if not cache.add(key, 1, TEST_INTERVAL_SECONDS):
        messages.error(request, _("A test was just sent: wait a few seconds before the next."))
        return redirect("webhook_edit", webhook_endpoint_id=endpoint.pk)
    delivery = services.send_ping(endpoint)
    if delivery.ok:
        messages.success(
            request,
            _("Test delivered: your endpoint answered HTTP %(status)s.")
            % {"status": delivery.status_code},
        )
    elif delivery.status_code is not None:
        messages.error(
            request,
            _("Test not delivered: your endpoint answered HTTP %(status)s.")
            % {"status": delivery.status_code},
        )
    else:
        messages.error(request, _("Test not delivered: %(error)s") % {"error": delivery.error})
    return redirect("webhook_delivery_detail", webhook_delivery_id=delivery.pk)


@role_required(*ADMINS)
def webhook_deliveries(request: HttpRequest) -> HttpResponse:
    filters = DeliveryFilter(request.GET, queryset=WebhookDelivery.objects.all())
    table = DeliveryTable(filters.qs.select_related("endpoint"))
    configure(request, table, per_page=50)
    return render_in_network_time(
        request,
        "webhooks/deliveries.html",
        {"table": table, "filter": filters, "sort": request.GET.get("sort", "")},
    )


@role_required(*ADMINS)
def webhook_delivery_detail(request: HttpRequest, webhook_delivery_id: int) -> HttpResponse:
    delivery = get_object_or_404(
        WebhookDelivery.objects.select_related("endpoint"), pk=webhook_delivery_id
    )
    return render_in_network_time(
        request,
        "webhooks/delivery.html",
        {
            "delivery": delivery,
            "attempts": delivery.attempt_log.all(),
            "body": body_bytes(delivery.payload).decode(),
            "pretty": services.pretty_json(delivery.payload),
        },
    )
