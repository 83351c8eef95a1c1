"""The publisher's side of offers: the marketplace, an offer's page, applying, tracking links.

What a publisher may see is `Offer.objects.visible_to(publisher)`; what they may send traffic
to is `.runnable_by(publisher)`. Anything else answers 404, like another network's offer.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lib.countries import country_name
from lib.macros import fill
from lib.tables import configure
from network.access import posted, role_required
from network.models import Role
from offers.forms_publisher import ApplyForm, LinkForm, MarketplaceFilterForm
from offers.links import click_link, creative_embed, impression_pixel
from offers.models import DEVICE_TYPES, Creative, Goal, Offer, OfferAccess
from offers.payout_hooks import resolve_payout
from offers.services import OfferError
from offers.services_access import access_request
from offers.tables_publisher import MarketplaceTable, access_state, payout_label
from publishers.access import approved_publisher
from publishers.models import Publisher

# What a publisher still under review (or refused) sees instead of offers.
approved_only = approved_publisher("offers/publisher/not_approved.html")


@role_required(Role.PUBLISHER)
@approved_only
def pub_offer_list(request: HttpRequest, publisher: Publisher) -> HttpResponse:
    visible = Offer.objects.visible_to(publisher)
    form = MarketplaceFilterForm(request.GET or None)
    offers = form.filter(visible).prefetch_related(
        Prefetch("goals", Goal.objects.filter(is_default=True), to_attr="default_goals"),
        Prefetch(
            "accesses", OfferAccess.objects.filter(publisher=publisher), to_attr="my_accesses"
        ),
    )
    table = MarketplaceTable(offers, publisher=publisher)
    configure(request, table)
    return render(
        request,
        "offers/publisher/list.html",
        {
            "table": table,
            "form": form,
            "filtered": form.is_valid() and any(form.cleaned_data.values()),
            "has_offers": visible.exists(),
        },
    )


@role_required(Role.PUBLISHER)
@approved_only
def pub_offer_detail(request: HttpRequest, publisher: Publisher, offer_id: int) -> HttpResponse:
    offer = get_object_or_404(
        Offer.objects.visible_to(publisher).select_related("network"), pk=offer_id
    )
    return render(request, "offers/publisher/detail.html", detail_context(request, offer))


@role_required(Role.PUBLISHER)
@require_POST
@approved_only
def pub_offer_apply(request: HttpRequest, publisher: Publisher, offer_id: int) -> HttpResponse:
    offer = get_object_or_404(Offer.objects.visible_to(publisher), pk=offer_id)
    form = ApplyForm(posted(request))
    if not form.is_valid():
        context = detail_context(request, offer, apply_form=form)
        return render(request, "offers/publisher/detail.html", context)
    try:
        access = access_request(
            offer=offer, publisher=publisher, actor=request.user, note=form.cleaned_data["note"]
        )
    except OfferError as exc:
        messages.error(request, str(exc))
    else:
        if access.status == OfferAccess.Status.APPROVED:
            messages.success(request, _("You can run this offer now: your tracking link is below."))
        else:
            messages.success(request, _("Application sent. We will email you the decision."))
    return redirect("pub_offer_detail", offer_id=offer.pk)


@role_required(Role.PUBLISHER)
@require_POST
@approved_only
def pub_offer_link(request: HttpRequest, publisher: Publisher, offer_id: int) -> HttpResponse:
    """Builds a tracking link: the builder alone for htmx, else the whole offer page."""
    offer = get_object_or_404(
        Offer.objects.runnable_by(publisher).select_related("network"), pk=offer_id
    )
    form = LinkForm(posted(request), offer=offer)
    link = ""
    if form.is_valid():
        link = click_link(
            offer=offer,
            publisher=publisher,
            landing_page=form.cleaned_data["landing_page"],
            subs=form.subs(),
            deep_link=form.cleaned_data.get("deep_link", ""),
        )
    if request.headers.get("HX-Request") == "true":
        context = {"offer": offer, "link_form": form, "link": link}
        return render(request, "offers/publisher/_link_builder.html", context)
    context = detail_context(request, offer, link_form=form, link=link)
    return render(request, "offers/publisher/detail.html", context)


def detail_context(
    request: HttpRequest,
    offer: Offer,
    *,
    apply_form: ApplyForm | None = None,
    link_form: LinkForm | None = None,
    link: str | None = None,
) -> dict[str, object]:
    publisher = request.membership.publisher
    access = OfferAccess.objects.filter(offer=offer, publisher=publisher).first()
    state, state_label = access_state(offer, access)
    approved = state == OfferAccess.Status.APPROVED
    devices = dict(DEVICE_TYPES)
    context: dict[str, object] = {
        "offer": offer,
        "access": access,
        "state": state,
        "state_label": state_label,
        "approved": approved,
        "goals": [
            (goal, payout_label(resolve_payout(goal, publisher), offer.currency))
            for goal in offer.goals.all()
        ],
        "countries": [country_name(code) for code in offer.allowed_countries],
        "devices": [devices.get(code, code) for code in offer.device_types],
        # Macros filled with nothing: a page the publisher can open, not our template.
        "landing_pages": [
            (page, fill(page.url_template, {}))
            for page in offer.landing_pages.filter(is_active=True)
        ],
        "creatives": creatives_context(offer, publisher, embed=approved),
    }
    if approved:
        context["link_form"] = link_form or LinkForm(offer=offer)
        context["link"] = click_link(offer=offer, publisher=publisher) if link is None else link
        context["pixel"] = impression_pixel(offer=offer, publisher=publisher)
    elif access is None:
        context["apply_form"] = apply_form or ApplyForm()
    return context


def creatives_context(offer: Offer, publisher: Publisher, *, embed: bool) -> list[dict]:
    """Each active creative with a safe preview, and its embed code once access is approved."""
    result = []
    for creative in offer.creatives.filter(is_active=True).select_related("landing_page"):
        creative.offer = offer
        item: dict[str, object] = {"creative": creative}
        if creative.kind == Creative.Kind.HTML:
            # Shown in a sandboxed iframe, with no tracking: previews are not impressions.
            item["srcdoc"] = creative.html.replace("{tracking_link}", "#").replace(
                "{impression_pixel}", ""
            )
        if embed:
            item["embed"] = creative_embed(creative=creative, publisher=publisher)
        result.append(item)
    return result
