"""Tables of the advertiser's offer pages (admins and publishers have their own modules)."""

from __future__ import annotations

import django_tables2 as tables
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from lib.tables import DateTimeColumn, NumberColumn, Table
from offers.models import Goal, Offer, OfferAccess
from offers.terms import terms_label


def advertiser_offers(advertiser) -> QuerySet[Offer]:
    """The company's offers with what the list shows: default goal terms, running publishers."""
    default_goal = Goal.objects.filter(offer=OuterRef("pk"), is_default=True)
    approved = Q(accesses__status=OfferAccess.Status.APPROVED)
    return Offer.objects.filter(advertiser=advertiser).annotate(
        running=Count("accesses", filter=approved),
        revenue_type=Subquery(default_goal.values("revenue_type")[:1]),
        revenue_amount=Subquery(default_goal.values("revenue_amount")[:1]),
        revenue_percent=Subquery(default_goal.values("revenue_percent")[:1]),
    )


class OfferTable(Table):
    name = tables.LinkColumn("adv_offer_detail", kwargs={"offer_id": tables.A("pk")})
    status = tables.Column(verbose_name=_("Status"))
    visibility = tables.Column()
    category = tables.Column()
    revenue = tables.Column(
        verbose_name=_("Default goal pays"),
        accessor="revenue_amount",
        order_by=("revenue_amount", "revenue_percent"),
        empty_values=(),
    )
    running = NumberColumn(verbose_name=_("Publishers running it"))
    updated_at = DateTimeColumn(verbose_name=_("Updated"))

    class Meta:
        model = Offer
        fields = ["name", "status", "visibility", "category", "revenue", "running", "updated_at"]
        attrs = {"class": "table"}
        empty_text = _("No offers match these filters.")

    def render_status(self, record: Offer) -> str:
        return format_html(
            '<span class="badge badge-{}">{}</span>', record.status, record.get_status_display()
        )

    def render_visibility(self, record: Offer) -> str:
        # The choice labels explain themselves on forms; the table needs the short word.
        return record.get_visibility_display().split(":")[0]

    def render_revenue(self, record: Offer) -> str:
        if not record.revenue_type:
            return "—"
        return terms_label(
            record.revenue_type, record.revenue_amount, record.revenue_percent, record.currency
        )
