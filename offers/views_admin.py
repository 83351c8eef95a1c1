"""Offer pages of owners and managers: review offers, caps, and decide who may run each offer.
What publishers earn (goal payouts, overrides, tiers) is set on commissions' pages, the goals'
part of the offer page included (registered with offers.payout_hooks)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from audit.models import AuditEntry
from lib.countries import country_name
from lib.tables import configure
from network.access import ADMINS, posted, role_required
from offers.forms import CapForm
from offers.forms_admin import (
    AccessDecisionForm,
    AccessFilterForm,
    InviteForm,
    OfferFilterForm,
    TransitionForm,
)
from offers.models import DEVICE_TYPES, Cap, Offer, OfferAccess
from offers.payout_hooks import goal_rows
from offers.services import OfferError, allowed_moves, offer_transition
from offers.services_access import access_decide, access_invite
from offers.services_rules import cap_create, cap_delete
from offers.tables_admin import AccessTable, OfferTable, RunnerTable, cap_text

PER_PAGE = 25
DEVICE_NAMES = dict(DEVICE_TYPES)
Status = Offer.Status
MOVE_BUTTONS = {  # (from, to) -> button label, message after success
    (Status.PENDING, Status.ACTIVE): (
        gettext_lazy("Approve"),
        gettext_lazy("Offer approved and live; the advertiser was emailed."),
    ),
    (Status.PENDING, Status.DRAFT): (
        gettext_lazy("Send back"),
        gettext_lazy("Offer sent back; the advertiser was emailed."),
    ),
    (Status.DRAFT, Status.PENDING): (
        gettext_lazy("Submit for review"),
        gettext_lazy("Offer submitted for review."),
    ),
    (Status.ACTIVE, Status.PAUSED): (
        gettext_lazy("Pause"),
        gettext_lazy("Offer paused: clicks go to the fallback."),
    ),
    (Status.PAUSED, Status.ACTIVE): (gettext_lazy("Resume"), gettext_lazy("Offer resumed.")),
}


def offer_or_404(offer_id: int) -> Offer:
    return get_object_or_404(Offer.objects.select_related("advertiser"), pk=offer_id)


def offer_url(offer: Offer, anchor: str = "") -> str:
    url = reverse("admin_offer_detail", kwargs={"offer_id": offer.pk})
    return f"{url}#{anchor}" if anchor else url


def _pending_first(status: str):
    """Sort key: rows waiting for a decision come first."""
    return Case(When(status=status, then=Value(0)), default=Value(1), output_field=IntegerField())


def _chosen(rows: QuerySet, data: dict, *fields: str) -> QuerySet:
    """The rows whose `fields` equal the values chosen in a filter form (`data`), if any."""
    return rows.filter(**{name: data[name] for name in fields if data.get(name)})


def _review_list(request: HttpRequest, template: str, form, table) -> HttpResponse:
    """A list of what admins decide on (offers, access requests), filtered by `form`; the
    header counts the rows that wait for a decision."""
    configure(request, table, PER_PAGE)
    model = table.Meta.model
    pending = model.objects.filter(status=model.Status.PENDING).count()
    context = {
        "table": table,
        "form": form,
        "pending_count": pending,
        "filtered": bool(request.GET),
    }
    return render(request, template, context)


# --- Offers -----------------------------------------------------------------------------


@role_required(*ADMINS)
def admin_offer_list(request: HttpRequest) -> HttpResponse:
    form = OfferFilterForm(request.GET)
    form.is_valid()  # a bad filter value is dropped, the list still shows
    data = form.cleaned_data
    offers = Offer.objects.select_related("advertiser").annotate(goal_count=Count("goals"))
    offers = _chosen(offers, data, "status", "advertiser")
    if query := (data.get("q") or "").strip():
        match = Q(name__icontains=query) | Q(advertiser__name__icontains=query)
        if query.isdigit() and len(query) < 10:
            match |= Q(pk=int(query))
        offers = offers.filter(match)
    table = OfferTable(offers.order_by(_pending_first(Status.PENDING), "-updated_at"))
    return _review_list(request, "offers/admin/offer_list.html", form, table)


@role_required(*ADMINS)
def admin_offer_detail(request: HttpRequest, offer_id: int) -> HttpResponse:
    return render_offer(request, offer_or_404(offer_id))


def render_offer(
    request: HttpRequest,
    offer: Offer,
    *,
    transition_form: TransitionForm | None = None,
    payout_forms: dict | None = None,
) -> HttpResponse:
    """The review page; a POST that failed re-renders it with its bound form and errors (a
    goal's payout form: commissions.views_admin.admin_goal_payout, by goal id)."""
    goals = list(offer.goals.all())
    runners = offer.accesses.filter(status=OfferAccess.Status.APPROVED).select_related("publisher")
    runner_ids = set(runners.values_list("publisher_id", flat=True))
    table = RunnerTable(
        runners.order_by("publisher__name"), offer=offer, goals=goals, prefix="runners-"
    )
    configure(request, table, PER_PAGE)
    goal_ids = [str(goal.pk) for goal in goals]
    history = AuditEntry.objects.filter(
        Q(object_type="offers.offer", object_id=str(offer.pk))
        | Q(object_type="offers.goal", object_id__in=goal_ids)
    )
    missing = [goal for goal in goals if not goal.payout_set]
    context = {
        "offer": offer,
        "moves": [
            (to, MOVE_BUTTONS.get((offer.status, to), (_("Archive"), ""))[0])
            for to in allowed_moves(offer, request.membership.role)
        ],
        "transition_form": transition_form or TransitionForm(),
        # Each goal's revenue, payout form and payout rules: commissions.views_admin.goal_rows.
        "goal_rows": goal_rows(request, offer, goals, runner_ids, payout_forms or {}),
        "missing_payouts": missing,
        "missing_payout_links": format_html_join(
            ", ", '<a href="#goal-{}">{}</a>', ((goal.pk, goal.name) for goal in missing)
        ),
        "has_default_goal": any(goal.is_default for goal in goals),
        "countries": [country_name(code) for code in offer.allowed_countries],
        "devices": [DEVICE_NAMES.get(code, code) for code in offer.device_types],
        "landing_pages": offer.landing_pages.all(),
        "creatives": offer.creatives.select_related("landing_page"),
        "caps": offer.caps.select_related("publisher"),
        "runner_table": table,
        "runner_count": len(runner_ids),
        "pending_access": offer.accesses.filter(status=OfferAccess.Status.PENDING).count(),
        "invite_form": InviteForm(offer=offer),
        "history": history[:30],
    }
    return render(request, "offers/admin/offer_detail.html", context)


@role_required(*ADMINS)
@require_POST
def admin_offer_transition(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = offer_or_404(offer_id)
    form = TransitionForm(request.POST)
    if form.is_valid():
        move = (offer.status, form.cleaned_data["to_status"])
        try:
            offer_transition(
                offer=offer,
                to_status=move[1],
                actor=request.user,
                role=request.membership.role,
                reason=form.cleaned_data["reason"],
            )
        except OfferError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, MOVE_BUTTONS.get(move, ("", _("Offer archived.")))[1])
            return redirect(offer_url(offer))
    return render_offer(request, offer, transition_form=form)


@role_required(*ADMINS)
def admin_offer_invite(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = offer_or_404(offer_id)
    form = InviteForm(posted(request), offer=offer)
    if request.method == "POST" and form.is_valid():
        publisher = form.cleaned_data["publisher"]
        try:
            access_invite(offer=offer, publisher=publisher, actor=request.user)
        except OfferError as exc:
            form.add_error("publisher", str(exc))
        else:
            messages.success(
                request,
                _("%(publisher)s can now run this offer; they were emailed.")
                % {"publisher": publisher},
            )
            return redirect(offer_url(offer, "publishers"))
    return render(request, "offers/admin/invite.html", {"offer": offer, "form": form})


# --- Caps ----------------------------------------------------------------------------------


@role_required(*ADMINS)
def admin_cap_new(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = offer_or_404(offer_id)
    form = CapForm(posted(request), offer=offer, allow_publisher=True)
    if request.method == "POST" and form.is_valid():
        cap = form.save(commit=False)
        cap.offer = offer
        cap_create(cap=cap, actor=request.user, role=request.membership.role)
        messages.success(request, _("Cap added: %(cap)s.") % {"cap": cap_text(cap, offer.currency)})
        return redirect(offer_url(offer, "caps"))
    return render(request, "offers/admin/cap_form.html", {"offer": offer, "form": form})


@role_required(*ADMINS)
@require_POST
def admin_cap_delete(request: HttpRequest, offer_id: int, cap_id: int) -> HttpResponse:
    offer = offer_or_404(offer_id)
    cap = get_object_or_404(Cap.objects.select_related("publisher"), pk=cap_id, offer=offer)
    try:
        cap_delete(cap=cap, actor=request.user, role=request.membership.role)
    except OfferError as exc:  # removed meanwhile
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Cap removed: %(cap)s.") % {"cap": cap_text(cap, offer.currency)}
        )
    return redirect(offer_url(offer, "caps"))


# --- Access requests ------------------------------------------------------------------------


@role_required(*ADMINS)
def admin_access_list(request: HttpRequest) -> HttpResponse:
    form = AccessFilterForm(request.GET)
    form.is_valid()
    accesses = OfferAccess.objects.select_related("offer", "publisher")
    accesses = _chosen(accesses, form.cleaned_data, "status", "offer")
    table = AccessTable(
        accesses.order_by(_pending_first(OfferAccess.Status.PENDING), "-created_at")
    )
    return _review_list(request, "offers/admin/access_list.html", form, table)


@role_required(*ADMINS)
def admin_access_decide(request: HttpRequest, offer_access_id: int) -> HttpResponse:
    access = get_object_or_404(
        OfferAccess.objects.select_related("offer__advertiser", "publisher", "decided_by"),
        pk=offer_access_id,
    )
    form = AccessDecisionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            access = access_decide(
                access=access,
                actor=request.user,
                status=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except OfferError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("%(publisher)s on “%(offer)s”: %(status)s; they were emailed.")
                % {
                    "publisher": access.publisher,
                    "offer": access.offer,
                    "status": access.get_status_display().lower(),
                },
            )
            return redirect("admin_access_list")
    history = AuditEntry.objects.filter(object_type="offers.offeraccess", object_id=str(access.pk))
    return render(
        request,
        "offers/admin/access_decide.html",
        {"access": access, "form": form, "history": history},
    )
