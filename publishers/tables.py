from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from lib.tables import DateTimeColumn, Table
from publishers.models import Publisher


class PublisherTable(Table):
    name = tables.LinkColumn("publisher_review", args=[tables.A("pk")], verbose_name=_("Name"))
    website = tables.URLColumn(verbose_name=_("Website"))
    country = tables.Column(verbose_name=_("Country"))
    status = tables.Column(verbose_name=_("Status"))
    created_at = DateTimeColumn(verbose_name=_("Applied"))

    class Meta:
        model = Publisher
        fields = ["name", "website", "country", "status", "created_at"]
        attrs = {"class": "table"}
