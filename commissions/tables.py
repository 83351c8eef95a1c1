"""Tables of the admins' payout tier pages."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from commissions.models import PayoutTier
from lib.tables import NumberColumn, Table


class TierTable(Table):
    name = tables.LinkColumn("admin_tier_detail", args=[tables.A("pk")])
    members = NumberColumn(accessor="member_count", verbose_name=_("Publishers"))
    payouts = NumberColumn(accessor="payout_count", verbose_name=_("Goal payouts"))

    class Meta:
        model = PayoutTier
        fields = ["name", "members", "payouts"]
        attrs = {"class": "table"}
