"""The publisher's marketplace table, and how a payout reads to a publisher."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lib.formats import format_money
from lib.tables import Table
from offers.models import Offer, OfferAccess
from offers.payout_hooks import ResolvedPayout, resolve_payouts
from offers.terms import terms_parts

SHORT_TYPES = {"cpa": "CPA", "cps": "CPS", "cpa_cps": "CPA + CPS", "cpl": "CPL", "cpc": "CPC"}
MAX_COUNTRIES_SHOWN = 5


def payout_label(payout: ResolvedPayout, currency: str) -> str:
    """ "8.00 USD CPA", "5% CPS", "2.00 USD + 5% CPA + CPS": what the publisher earns, in
    brief, the amount written as every page of the language writes money (lib.formats)."""
    kind = payout.payout_type
    parts = terms_parts(kind, payout.amount, payout.percent, lambda a: format_money(a, currency))
    return f"{' + '.join(parts)} {SHORT_TYPES.get(kind, kind)}"


def access_state(offer: Offer, access: OfferAccess | None) -> tuple[str, str]:
    """(css status, label) of the publisher's access to an offer."""
    if access is not None:
        return access.status, access.get_status_display()
    if offer.visibility == Offer.Visibility.PUBLIC:
        return "open", gettext("Run it")
    return "apply", gettext("Apply")


class MarketplaceTable(Table):
    """Expects offers with `default_goals` and `my_accesses` prefetched (see the view)."""

    name = tables.Column(linkify=("pub_offer_detail", {"offer_id": tables.A("pk")}))
    category = tables.Column()
    payout = tables.Column(empty_values=(), orderable=False, verbose_name=_("Your payout"))
    allowed_countries = tables.Column(empty_values=(), orderable=False, verbose_name=_("Countries"))
    access = tables.Column(empty_values=(), orderable=False, verbose_name=_("Access"))

    class Meta:
        model = Offer
        fields = ["name", "category", "payout", "allowed_countries", "access"]
        attrs = {"class": "table"}
        order_by = "name"
        empty_text = _("No offers match these filters. Clear the filters to see every offer.")

    def __init__(self, *args, publisher, **kwargs):
        super().__init__(*args, **kwargs)
        self.publisher = publisher
        self._payouts: dict[int, ResolvedPayout] | None = None

    def page_payouts(self) -> dict[int, ResolvedPayout]:
        """The publisher's payouts for every row of the page, resolved in two queries."""
        if self._payouts is None:
            rows = self.page.object_list if hasattr(self, "page") else self.rows
            goals = [row.record.default_goals[0] for row in rows if row.record.default_goals]
            self._payouts = resolve_payouts(goals, self.publisher)
        return self._payouts

    def render_payout(self, record: Offer) -> str:
        if not record.default_goals:
            return "—"
        payout = self.page_payouts()[record.default_goals[0].pk]
        return payout_label(payout, record.currency)

    def render_allowed_countries(self, record: Offer) -> str:
        codes = record.allowed_countries
        if not codes:
            return gettext("All")
        shown = ", ".join(codes[:MAX_COUNTRIES_SHOWN])
        more = len(codes) - MAX_COUNTRIES_SHOWN
        return f"{shown} +{more}" if more > 0 else shown

    def render_access(self, record: Offer):
        access = record.my_accesses[0] if record.my_accesses else None
        status, label = access_state(record, access)
        if access is None:
            url = reverse("pub_offer_detail", kwargs={"offer_id": record.pk})
            return format_html('<a href="{}">{}</a>', url, label)
        return format_html('<span class="badge badge-{}">{}</span>', status, label)
