from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from publishers.models import Publisher


class PublisherTable(tables.Table):
    name = tables.LinkColumn("publisher_review", args=[tables.A("pk")])
    website = tables.URLColumn()
    country = tables.Column()
    status = tables.Column()
    created_at = tables.DateTimeColumn(verbose_name=_("Applied"), format="Y-m-d H:i")

    class Meta:
        model = Publisher
        fields = ["name", "website", "country", "status", "created_at"]
        attrs = {"class": "table"}
