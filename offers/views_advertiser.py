"""The advertiser's offer pages: their company's offers only, and never a write once archived."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import wraps

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from audit.models import AuditEntry
from lib.countries import country_name
from lib.formats import format_money, format_number
from lib.money import CURRENCY_CODES
from lib.tables import configure
from network.access import posted, role_required
from network.models import Role
from offers import services_rules as rules
from offers.forms import (
    CapForm,
    CreativeForm,
    GoalForm,
    LandingPageForm,
    OfferForm,
    first_goal_name,
)
from offers.models import DEVICE_TYPES, Cap, Creative, Goal, LandingPage, Offer, OfferAccess
from offers.services import (
    ARCHIVED,
    OfferError,
    allowed_moves,
    offer_create,
    offer_transition,
    offer_update,
)
from offers.services_parts import (
    creative_create,
    creative_update,
    goal_create,
    goal_update,
    landing_page_create,
    landing_page_update,
)
from offers.tables import OfferTable, advertiser_offers
from offers.terms import terms_label

PER_PAGE = 25
MOVE_LABELS = {
    Offer.Status.PENDING: gettext_lazy("Submit for review"),
    Offer.Status.PAUSED: gettext_lazy("Pause"),
    Offer.Status.ACTIVE: gettext_lazy("Resume"),
    Offer.Status.ARCHIVED: gettext_lazy("Archive"),
}
MOVE_DONE = {
    Offer.Status.PENDING: gettext_lazy("Submitted: the network will review your offer."),
    Offer.Status.PAUSED: gettext_lazy("Offer paused. Resume it when you are ready."),
    Offer.Status.ACTIVE: gettext_lazy("Offer resumed."),
    Offer.Status.ARCHIVED: gettext_lazy("Offer archived."),
}


def offer_of_company(*, writable: bool):
    """Loads the company's offer named by offer_id (404 otherwise) and passes it to the view;
    with writable=True an archived offer is refused before the view runs."""

    def decorator(view):
        @wraps(view)
        def wrapper(request: HttpRequest, offer_id: int, **kwargs) -> HttpResponse:
            offer = get_object_or_404(Offer, pk=offer_id, advertiser=request.membership.advertiser)
            if writable and offer.status == Offer.Status.ARCHIVED:
                messages.error(request, ARCHIVED)
                return redirect("adv_offer_detail", offer_id=offer.pk)
            return view(request, offer, **kwargs)

        return wrapper

    return decorator


def _detail(offer: Offer, anchor: str = "") -> HttpResponse:
    url = reverse("adv_offer_detail", kwargs={"offer_id": offer.pk})
    return redirect(f"{url}#{anchor}" if anchor else url)


@role_required(Role.ADVERTISER)
def offer_list(request: HttpRequest) -> HttpResponse:
    offers = advertiser_offers(request.membership.advertiser)
    has_offers = offers.exists()
    status = request.GET.get("status", "")
    query = request.GET.get("q", "").strip()[:100]
    if status in Offer.Status.values:
        offers = offers.filter(status=status)
    if query:
        offers = offers.filter(name__icontains=query)
    table = OfferTable(offers.order_by("-updated_at"))
    configure(request, table, per_page=PER_PAGE)
    return render(
        request,
        "offers/advertiser/list.html",
        {
            "table": table,
            "has_offers": has_offers,
            "statuses": Offer.Status.choices,
            "status": status,
            "query": query,
            "sort": request.GET.get("sort", ""),
        },
    )


@dataclass
class _OfferToBe:
    """What GoalForm reads from its offer, before the offer exists: the currency the offer
    form chose and no sibling goals (an unsaved Offer cannot be asked for its goals)."""

    currency: str
    goals: QuerySet = field(default_factory=Goal.objects.none)


@role_required(Role.ADVERTISER)
def offer_new(request: HttpRequest) -> HttpResponse:
    company = request.membership.advertiser
    offer_form = OfferForm(
        posted(request), advertiser=company, initial={"currency": request.network.currency}
    )
    offer_ok = request.method == "POST" and offer_form.is_valid()
    currency = offer_form.cleaned_data["currency"] if offer_ok else request.network.currency
    if not offer_ok and offer_form.data.get("currency") in CURRENCY_CODES:
        currency = offer_form.data["currency"]  # judge the goal's amounts in the chosen one
    goal_form = GoalForm(
        posted(request),
        prefix="goal",
        offer=_OfferToBe(currency),
        initial={"name": first_goal_name(request.network)},
    )
    if offer_ok and goal_form.is_valid():
        offer = offer_create(
            network=request.network,
            advertiser=company,
            actor=request.user,
            offer=offer_form.save(commit=False),
            default_goal=goal_form.save(commit=False),
        )
        messages.success(
            request, _("Offer created as a draft. Add a landing page, then submit it.")
        )
        return _detail(offer)
    return render(
        request,
        "offers/advertiser/offer_new.html",
        {"form": offer_form, "goal_form": goal_form},
    )


@role_required(Role.ADVERTISER)
@offer_of_company(writable=False)
def offer_detail(request: HttpRequest, offer: Offer) -> HttpResponse:
    currency = offer.currency
    goals = [
        {
            "goal": goal,
            "revenue": terms_label(
                goal.revenue_type, goal.revenue_amount, goal.revenue_percent, currency
            ),
            "payout": terms_label(
                goal.payout_type, goal.payout_amount, goal.payout_percent, currency
            )
            if goal.payout_set
            else None,
        }
        for goal in offer.goals.all()
    ]
    history = AuditEntry.objects.filter(object_type="offers.offer", object_id=str(offer.pk))
    sent_back = None
    if offer.status == Offer.Status.DRAFT:
        sent_back = history.filter(action="offer.status", to_state=Offer.Status.DRAFT).first()
    devices = dict(DEVICE_TYPES)
    moves = allowed_moves(offer, request.membership.role)
    return render(
        request,
        "offers/advertiser/detail.html",
        {
            "offer": offer,
            "goals": goals,
            "landing_pages": offer.landing_pages.all(),
            "creatives": offer.creatives.select_related("landing_page"),
            "caps": [(cap, _limit_label(cap, currency)) for cap in offer.caps.all()],
            "running": offer.accesses.filter(status=OfferAccess.Status.APPROVED)
            .select_related("publisher")
            .order_by("publisher__name"),
            "moves": [(to, MOVE_LABELS[to]) for to in moves if to != Offer.Status.ARCHIVED],
            "can_archive": Offer.Status.ARCHIVED in moves,
            "sent_back": sent_back,
            "history": history[:20],
            "countries": [country_name(code) for code in offer.allowed_countries],
            "devices": [devices.get(code, code) for code in offer.device_types],
            "editable": offer.status != Offer.Status.ARCHIVED,
        },
    )


def _limit_label(cap: Cap, currency: str) -> str:
    if cap.metric == Cap.Metric.PAYOUT:
        return format_money(cap.limit, currency)
    return format_number(int(cap.limit))


@role_required(Role.ADVERTISER)
@offer_of_company(writable=True)
def offer_edit(request: HttpRequest, offer: Offer) -> HttpResponse:
    # The form writes what was typed into its instance; the page keeps the saved name.
    editing = Offer.objects.get(pk=offer.pk)
    form = OfferForm(posted(request), instance=editing, advertiser=request.membership.advertiser)

    def save(edited: Offer) -> None:
        offer_update(offer=edited, actor=request.user)

    return _save_child(request, offer, form, _("Edit offer"), "", save, done=_("Offer saved."))


@role_required(Role.ADVERTISER)
@require_POST
@offer_of_company(writable=False)  # the service explains why an archived offer cannot move
def offer_status(request: HttpRequest, offer: Offer) -> HttpResponse:
    to_status = request.POST.get("to", "")
    if to_status not in Offer.Status.values:
        messages.error(request, _("Choose one of the offer's actions."))
        return _detail(offer)
    try:
        offer_transition(
            offer=offer, to_status=to_status, actor=request.user, role=request.membership.role
        )
    except OfferError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, MOVE_DONE.get(to_status, _("Offer status changed.")))
    return _detail(offer)


def _child_page(request: HttpRequest, offer: Offer, form, title: str) -> HttpResponse:
    return render(
        request,
        "offers/advertiser/form.html",
        {"offer": offer, "form": form, "title": title},
    )


def _save_child(
    request: HttpRequest,
    offer: Offer,
    form,
    title: str,
    anchor: str,
    save,
    done: str | None = None,
) -> HttpResponse:
    """Shared by the offer and its goals, landing pages, creatives and caps: `save(edited)`
    (the service, which saves it under this offer and audits it) once the form is valid, then
    back to the offer page at `anchor`, saying `done` (by default, the title was saved)."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.save(commit=False))
        except OfferError as exc:  # archived, or a goal name taken, meanwhile
            messages.error(request, str(exc))
        else:
            messages.success(request, done or _("%(title)s: saved.") % {"title": title})
        return _detail(offer, anchor)
    return _child_page(request, offer, form, title)


@role_required(Role.ADVERTISER)
@offer_of_company(writable=True)
def goal_new(request: HttpRequest, offer: Offer) -> HttpResponse:
    form = GoalForm(posted(request), offer=offer)  # is_default stays False: one default goal

    def save(goal: Goal) -> None:
        goal_create(offer=offer, goal=goal, actor=request.user)

    return _save_child(request, offer, form, _("New goal"), "goals", save)


@role_required(Role.ADVERTISER)
@offer_of_company(writable=True)
def goal_edit(request: HttpRequest, offer: Offer, goal_id: int) -> HttpResponse:
    goal = get_object_or_404(Goal, pk=goal_id, offer=offer)
    form = GoalForm(posted(request), offer=offer, instance=goal)
    title = _("Goal %(name)s") % {"name": goal.name}  # the saved name: the form writes into goal

    def save(edited: Goal) -> None:
        goal_update(goal=edited, actor=request.user)

    return _save_child(request, offer, form, title, "goals", save)


@role_required(Role.ADVERTISER)
@offer_of_company(writable=True)
def landing_page_new(request: HttpRequest, offer: Offer) -> HttpResponse:
    form = LandingPageForm(posted(request))

    def save(page: LandingPage) -> None:
        landing_page_create(offer=offer, landing_page=page, actor=request.user)

    return _save_child(request, offer, form, _("New landing page"), "landing-pages", save)


@role_required(Role.ADVERTISER)
@offer_of_company(writable=True)
def landing_page_edit(request: HttpRequest, offer: Offer, landing_page_id: int) -> HttpResponse:
    page = get_object_or_404(LandingPage, pk=landing_page_id, offer=offer)
    title = _("Landing page %(name)s") % {"name": page.name}
    form = LandingPageForm(posted(request), instance=page)

    def save(edited: LandingPage) -> None:
        landing_page_update(landing_page=edited, actor=request.user)

    return _save_child(request, offer, form, title, "landing-pages", save)


@role_required(Role.ADVERTISER)
@offer_of_company(writable=True)
def creative_new(request: HttpRequest, offer: Offer) -> HttpResponse:
    form = CreativeForm(posted(request), _files(request), offer=offer)

    def save(creative: Creative) -> None:
        creative_create(offer=offer, creative=creative, actor=request.user)

    return _save_child(request, offer, form, _("New creative"), "creatives", save)


@role_required(Role.ADVERTISER)
@offer_of_company(writable=True)
def creative_edit(request: HttpRequest, offer: Offer, creative_id: int) -> HttpResponse:
    creative = get_object_or_404(Creative, pk=creative_id, offer=offer)
    title = _("Creative %(name)s") % {"name": creative.name}
    form = CreativeForm(posted(request), _files(request), offer=offer, instance=creative)

    def save(edited: Creative) -> None:
        creative_update(creative=edited, actor=request.user)

    return _save_child(request, offer, form, title, "creatives", save)


def _files(request: HttpRequest):
    return request.FILES if request.method == "POST" else None


@role_required(Role.ADVERTISER)
@offer_of_company(writable=True)
def cap_new(request: HttpRequest, offer: Offer) -> HttpResponse:
    form = CapForm(posted(request), offer=offer, allow_publisher=False)

    def save(cap: Cap) -> None:
        cap.offer = offer
        rules.cap_create(cap=cap, actor=request.user, role=request.membership.role)

    return _save_child(request, offer, form, _("New cap"), "caps", save)


@role_required(Role.ADVERTISER)
@require_POST
@offer_of_company(writable=True)
def cap_delete(request: HttpRequest, offer: Offer, cap_id: int) -> HttpResponse:
    cap = get_object_or_404(Cap, pk=cap_id, offer=offer)
    try:
        rules.cap_delete(cap=cap, actor=request.user, role=request.membership.role)
    except OfferError as exc:  # archived, or removed, meanwhile
        messages.error(request, str(exc))
        return _detail(offer, "caps")
    label = f"{cap.get_period_display()} {cap.get_metric_display().lower()}"
    messages.success(
        request,
        _("Cap removed: %(cap)s, %(limit)s.")
        % {"cap": label, "limit": _limit_label(cap, offer.currency)},
    )
    return _detail(offer, "caps")
