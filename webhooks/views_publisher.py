"""The publisher's postback pages, under /publisher/postbacks/: the global URL, per-offer URLs,
turning them off and on, a test call, and the log of every call.

A publisher only ever finds their own endpoints: anything else answers 404.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from lib.tables import configure
from network.access import posted, role_required
from network.models import Role
from offers.models import Offer
from publishers.access import approved_publisher
from publishers.models import Publisher
from webhooks.delivery.engine import MAX_CONSECUTIVE_FAILURES
from webhooks.postback_services import PostbackError, postback_delete, postback_save
from webhooks.postback_services import postback_set_active as set_active
from webhooks.postbacks import (
    FIRING_EVENTS,
    MACROS,
    PostbackAttempt,
    PostbackEndpoint,
    default_events,
    validate_postback_template,
)
from webhooks.tables import AttemptTable
from webhooks.tasks import send_test_postback

TEST_INTERVAL_SECONDS = 10  # one test call per endpoint per 10 s
PLACEHOLDER = "https://tracker.example/postback?click={aff_click_id}&payout={payout}"
EVENT_CHOICES = [
    ("created", _("recorded (pending)")),
    ("approved", _("approved")),
    ("reversed", _("reversed")),
]


class PostbackForm(forms.Form):
    url_template = forms.CharField(
        label=_("Postback URL"),
        max_length=2000,
        validators=[validate_postback_template],
        widget=forms.TextInput(attrs={"placeholder": PLACEHOLDER, "spellcheck": "false"}),
        help_text=_("An http:// or https:// URL; the macros below are filled for each call."),
    )
    events = forms.MultipleChoiceField(
        label=_("Call it when a conversion is"),
        choices=EVENT_CHOICES,
        initial=default_events,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The {status} macro says which: pending, approved or reversed."),
    )

    def clean_events(self) -> list[str]:
        chosen = set(self.cleaned_data["events"])
        return [event for event in FIRING_EVENTS if event in chosen]


class OfferPostbackForm(PostbackForm):
    offer = forms.ModelChoiceField(
        label=_("Offer"), queryset=Offer.objects.none(), empty_label=_("Choose an offer")
    )
    field_order = ["offer", "url_template", "events"]

    def __init__(self, *args, publisher: Publisher, **kwargs):
        super().__init__(*args, **kwargs)
        taken = PostbackEndpoint.objects.filter(publisher=publisher, offer__isnull=False)
        self.fields["offer"].queryset = (
            Offer.objects.runnable_by(publisher)
            .exclude(pk__in=taken.values("offer_id"))
            .order_by("name")
        )


# A pending or refused publisher sees why there are no postbacks yet.
approved_only = approved_publisher("webhooks/postbacks_not_approved.html")


def own_endpoint(request: HttpRequest, endpoint_id: int) -> PostbackEndpoint:
    publisher = request.membership.publisher
    return get_object_or_404(
        PostbackEndpoint.objects.filter(publisher=publisher).select_related("offer"),
        pk=endpoint_id,
    )


def attempts_table(request: HttpRequest, endpoints: list[PostbackEndpoint]) -> AttemptTable:
    attempts = PostbackAttempt.objects.filter(
        endpoint_id__in=[endpoint.pk for endpoint in endpoints]
    ).select_related("endpoint__offer")
    return configure(request, AttemptTable(attempts))


def home_context(
    request: HttpRequest,
    publisher: Publisher,
    *,
    global_form: PostbackForm | None = None,
    offer_form: OfferPostbackForm | None = None,
) -> dict[str, object]:
    endpoints = list(PostbackEndpoint.objects.filter(publisher=publisher).select_related("offer"))
    global_endpoint = next((e for e in endpoints if e.is_global), None)
    if global_form is None:
        initial = {}
        if global_endpoint is not None:
            initial = {
                "url_template": global_endpoint.url_template,
                "events": global_endpoint.events,
            }
        global_form = PostbackForm(initial=initial, prefix="global")
    return {
        "global_endpoint": global_endpoint,
        "global_form": global_form,
        "offer_endpoints": sorted(
            (e for e in endpoints if not e.is_global), key=lambda e: e.offer.name.lower()
        ),
        "offer_form": offer_form or OfferPostbackForm(publisher=publisher, prefix="offer"),
        "table": attempts_table(request, endpoints),
        "macros": MACROS,
        "max_failures": MAX_CONSECUTIVE_FAILURES,
    }


@role_required(Role.PUBLISHER)
@approved_only
def postback_home(request: HttpRequest, publisher: Publisher) -> HttpResponse:
    return render(request, "webhooks/postbacks.html", home_context(request, publisher))


@role_required(Role.PUBLISHER)
@require_POST
@approved_only
def postback_global(request: HttpRequest, publisher: Publisher) -> HttpResponse:
    return save_posted(request, publisher, PostbackForm(posted(request), prefix="global"))


@role_required(Role.PUBLISHER)
@require_POST
@approved_only
def postback_offer_add(request: HttpRequest, publisher: Publisher) -> HttpResponse:
    form = OfferPostbackForm(posted(request), publisher=publisher, prefix="offer")
    return save_posted(request, publisher, form)


def save_posted(request: HttpRequest, publisher: Publisher, form: PostbackForm) -> HttpResponse:
    """A form of the postbacks page posted: saved (an OfferPostbackForm's for its offer, the
    global one's for none), or the page again with its errors."""
    if not form.is_valid():
        which = "offer_form" if isinstance(form, OfferPostbackForm) else "global_form"
        context = home_context(request, publisher, **{which: form})
        return render(request, "webhooks/postbacks.html", context)
    return save_and_redirect(request, publisher, form.cleaned_data.get("offer"), form)


def save_and_redirect(
    request: HttpRequest, publisher: Publisher, offer: Offer | None, form: PostbackForm
) -> HttpResponse:
    try:
        postback_save(
            publisher=publisher,
            actor=request.user,
            offer=offer,
            url_template=form.cleaned_data["url_template"],
            events=form.cleaned_data["events"],
        )
    except PostbackError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Postback saved."))
    return redirect("postback_home")


@role_required(Role.PUBLISHER)
@approved_only
def postback_edit(
    request: HttpRequest, publisher: Publisher, postback_endpoint_id: int
) -> HttpResponse:
    endpoint = own_endpoint(request, postback_endpoint_id)
    initial = {"url_template": endpoint.url_template, "events": endpoint.events}
    form = PostbackForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        return save_and_redirect(request, publisher, endpoint.offer, form)
    context = {
        "endpoint": endpoint,
        "form": form,
        "table": attempts_table(request, [endpoint]),
        "macros": MACROS,
    }
    return render(request, "webhooks/postbacks_edit.html", context)


@role_required(Role.PUBLISHER)
@require_POST
def postback_enable(request: HttpRequest, postback_endpoint_id: int) -> HttpResponse:
    return switch_and_redirect(request, postback_endpoint_id, active=True)


@role_required(Role.PUBLISHER)
@require_POST
def postback_disable(request: HttpRequest, postback_endpoint_id: int) -> HttpResponse:
    return switch_and_redirect(request, postback_endpoint_id, active=False)


def switch_and_redirect(request: HttpRequest, endpoint_id: int, *, active: bool) -> HttpResponse:
    endpoint = own_endpoint(request, endpoint_id)
    set_active(endpoint=endpoint, actor=request.user, active=active)
    if active:
        message = _("%(endpoint)s is on again.")
    else:
        message = _("%(endpoint)s is off: conversions will not call it.")
    messages.success(request, message % {"endpoint": endpoint_label(endpoint)})
    return redirect("postback_home")


@role_required(Role.PUBLISHER)
@require_POST
def postback_delete_view(request: HttpRequest, postback_endpoint_id: int) -> HttpResponse:
    endpoint = own_endpoint(request, postback_endpoint_id)
    label = endpoint_label(endpoint)
    postback_delete(endpoint=endpoint, actor=request.user)
    messages.success(request, _("%(endpoint)s deleted.") % {"endpoint": label})
    return redirect("postback_home")


@role_required(Role.PUBLISHER)
@require_POST
def postback_test(request: HttpRequest, postback_endpoint_id: int) -> HttpResponse:
    endpoint = own_endpoint(request, postback_endpoint_id)
    key = f"postback-test:{request.network.pk}:{endpoint.pk}"
    if not cache.add(key, 1, TEST_INTERVAL_SECONDS):
        messages.error(request, _("A test call was just sent: wait a few seconds before the next."))
    else:
        send_test_postback.delay_on_commit(
            network_id=request.network.pk, postback_endpoint_id=endpoint.pk
        )
        messages.success(
            request, _("Test call sent with sample values. Its result appears in the log shortly.")
        )
    return redirect("postback_home")


def endpoint_label(endpoint: PostbackEndpoint) -> str:
    if endpoint.offer:
        return gettext("The postback for %(offer)s") % {"offer": endpoint.offer.name}
    return gettext("The global postback")
