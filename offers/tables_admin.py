"""Tables of the admins' offer pages, and how payout terms read in them."""

from __future__ import annotations

from decimal import Decimal

import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lib.formats import format_money, format_number
from lib.tables import DateColumn, DateTimeColumn, NumberColumn, Table, action_link, name_link
from offers.models import Goal, Offer, OfferAccess
from offers.payout_hooks import resolve_payouts
from offers.terms import terms_parts

BADGE = '<span class="badge badge-{}">{}</span>'
# Why a publisher earns what they earn (offers.payout_hooks.ResolvedPayout.source), in a word.
SOURCES = {"override": _("override"), "tier": _("tier"), "goal": _("goal")}


def terms_text(kind: str, amount: Decimal, percent: Decimal, currency: str) -> str:
    """'8.00 USD', '5%' or '2.00 USD + 5%': what a payout or revenue means, in one line."""
    parts = terms_parts(kind, amount, percent, lambda a: format_money(a, currency))
    text = " + ".join(parts)
    return gettext("%(terms)s per click") % {"terms": text} if kind == Goal.Type.CPC else text


def cap_text(cap, currency: str) -> str:
    """'Monthly payout budget: 500.25 USD, all publishers', for the page's messages (the cap's
    own str() is the audit's English one)."""
    if cap.metric == "payout":
        limit = format_money(cap.limit, currency)
    else:
        limit = format_number(int(cap.limit))
    values = {
        "period": cap.get_period_display(),
        "metric": cap.get_metric_display().lower(),
        "limit": limit,
        "publisher": cap.publisher,
    }
    if cap.publisher is None:
        return gettext("%(period)s %(metric)s: %(limit)s, all publishers") % values
    return gettext("%(period)s %(metric)s: %(limit)s, only %(publisher)s") % values


def payout_text(terms, currency: str) -> str:
    return terms_text(terms.payout_type, terms.payout_amount, terms.payout_percent, currency)


class OfferTable(Table):
    name = tables.LinkColumn("admin_offer_detail", args=[tables.A("pk")])
    advertiser = tables.Column(accessor="advertiser__name", verbose_name=_("Advertiser"))
    status = tables.Column(verbose_name=_("Status"))
    visibility = tables.Column()
    currency = tables.Column()
    goals = NumberColumn(accessor="goal_count", verbose_name=_("Goals"))
    created_at = DateColumn(verbose_name=_("Created"))
    updated_at = DateTimeColumn(verbose_name=_("Updated"))

    class Meta:
        model = Offer
        fields = ["name", "advertiser", "status", "visibility", "currency", "goals"]
        sequence = ["name", "advertiser", "status", "visibility", "currency", "goals", "..."]
        attrs = {"class": "table"}
        # Offers waiting for review stand out (see the CSS proposed in the report).
        row_attrs = {"class": lambda record: f"row-{record.status}"}

    def render_status(self, record: Offer) -> str:
        return format_html(BADGE, record.status, record.get_status_display())

    def render_visibility(self, record: Offer) -> str:
        return record.get_visibility_display().split(":")[0]


class AccessTable(Table):
    publisher = name_link("publisher_review", "publisher_id", "publisher__name", _("Publisher"))
    offer = name_link("admin_offer_detail", "offer_id", "offer__name", _("Offer"))
    status = tables.Column(verbose_name=_("Status"))
    publisher_note = tables.Column(
        verbose_name=_("Their note"), orderable=False, attrs={"td": {"class": "wrap"}}
    )
    created_at = DateTimeColumn(verbose_name=_("Asked"))
    decided_at = DateTimeColumn(verbose_name=_("Decided"))
    decide = action_link(
        "admin_access_decide",
        lambda record: gettext("Review") if record.status == "pending" else gettext("Change"),
    )

    class Meta:
        model = OfferAccess
        fields = ["publisher", "offer", "status", "publisher_note", "created_at", "decided_at"]
        attrs = {"class": "table"}
        row_attrs = {"class": lambda record: f"row-{record.status}"}

    def render_status(self, record: OfferAccess) -> str:
        return format_html(BADGE, record.status, record.get_status_display())

    def render_publisher_note(self, value: str) -> str:
        return value if len(value) <= 80 else value[:79] + "…"


class RunnerTable(Table):
    """Publishers approved on one offer, with the payout each earns per goal and why."""

    publisher = name_link("publisher_review", "publisher_id", "publisher__name", _("Publisher"))
    decided_at = DateColumn(verbose_name=_("Since"))
    payouts = tables.Column(empty_values=(), orderable=False, verbose_name=_("Payout per goal"))
    manage = action_link("admin_access_decide", lambda record: gettext("Change access"))

    class Meta:
        model = OfferAccess
        fields = ["publisher", "decided_at"]
        attrs = {"class": "table"}

    def __init__(self, *args, offer: Offer, goals: list[Goal], **kwargs):
        super().__init__(*args, **kwargs)
        self.offer, self.goals = offer, goals

    def render_payouts(self, record: OfferAccess) -> str:
        # Only the rows of the current page are rendered: two queries a row.
        payouts = resolve_payouts(self.goals, record.publisher)
        rows = []
        for goal in self.goals:
            resolved = payouts[goal.pk]
            terms = terms_text(
                resolved.payout_type, resolved.amount, resolved.percent, self.offer.currency
            )
            rows.append((goal.name, terms, SOURCES.get(resolved.source, resolved.source)))
        return format_html_join("", '<div>{}: {} <small class="muted">({})</small></div>', rows)
