from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from lib.tables import DateColumn, Table
from network.models import Membership


class MemberTable(Table):
    email = tables.Column(accessor="user__email", verbose_name=_("Email"))
    name = tables.Column(accessor="user__name", verbose_name=_("Name"), default="")
    role = tables.Column(verbose_name=_("Role"))
    company = tables.Column(empty_values=(), orderable=False, verbose_name=_("Company"))
    created_at = DateColumn(verbose_name=_("Member since"))

    class Meta:
        model = Membership
        fields = ["email", "name", "role", "company", "created_at"]
        attrs = {"class": "table"}

    def render_company(self, record: Membership) -> str:
        return str(record.advertiser or record.publisher or "—")
