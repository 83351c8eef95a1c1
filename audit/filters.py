"""The audit log's filters. Days are days in the network's time zone, as on every list."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import django_filters as filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from audit.log import object_types_for
from audit.models import AuditEntry
from lib.days import DAY_RANGE, day_start
from network.models import ADMIN_ROLES, Membership

SYSTEM = "system"  # entries written by a job, not a person
TEAM = "team"  # any owner or manager: what companies pick instead of a staff member's email


def actor_choices(membership: Membership) -> list[tuple[str, str]]:
    """Admins pick any member; a company picks its own people or "the network team"."""
    members = Membership.objects.select_related("user").order_by("user__email")
    if membership.is_admin:
        people = members
        extra = []
    else:
        company = {
            "advertiser_id": membership.advertiser_id,
            "publisher_id": membership.publisher_id,
        }
        people = members.filter(role=membership.role, **company)
        extra = [(TEAM, _("Network team"))]
    return [*extra, *((str(m.user_id), m.user.email) for m in people), (SYSTEM, _("System"))]


class AuditFilter(filters.FilterSet):
    actor = filters.ChoiceFilter(label=_("Who"), method="filter_actor", empty_label=_("Anyone"))
    action = filters.CharFilter(
        label=_("Action"),
        method="filter_action",
        max_length=64,
        help_text=_("An action (offer.status) or all of a kind (offer)."),
    )
    object_type = filters.ChoiceFilter(
        label=_("Object type"), field_name="object_type", empty_label=_("Every type")
    )
    object_id = filters.CharFilter(label=_("Object id"), field_name="object_id", max_length=64)
    created_from = filters.DateFilter(
        label=_("From"),
        method="filter_from",
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=DAY_RANGE,
    )
    created_to = filters.DateFilter(
        label=_("To"),
        method="filter_to",
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=DAY_RANGE,
    )
    q = filters.CharFilter(
        label=_("Text"),
        method="filter_text",
        max_length=200,
        help_text=_("Searches the object's name and the reason."),
    )

    class Meta:
        model = AuditEntry
        fields: list[str] = []

    def __init__(self, data=None, *, queryset, membership: Membership, timezone: str):
        super().__init__(data, queryset=queryset)
        self.zone = ZoneInfo(timezone)
        self.filters["actor"].extra["choices"] = actor_choices(membership)
        self.filters["object_type"].extra["choices"] = object_types_for(membership)

    def filter_actor(self, queryset: QuerySet[AuditEntry], name, value: str):
        if value == SYSTEM:
            return queryset.filter(actor__isnull=True)
        if value == TEAM:
            staff = Membership.objects.filter(role__in=ADMIN_ROLES).values("user_id")
            return queryset.filter(actor_id__in=staff)
        return queryset.filter(actor_id=int(value))  # one of the choices: a member's user id

    def filter_action(self, queryset: QuerySet[AuditEntry], name, value: str):
        value = value.strip()
        if "." in value:
            return queryset.filter(action=value)
        return queryset.filter(action__startswith=f"{value}.")

    def filter_from(self, queryset: QuerySet[AuditEntry], name, value: date):
        return queryset.filter(created_at__gte=day_start(value, self.zone))

    def filter_to(self, queryset: QuerySet[AuditEntry], name, value: date):
        return queryset.filter(created_at__lt=day_start(value + timedelta(days=1), self.zone))

    def filter_text(self, queryset: QuerySet[AuditEntry], name, value: str):
        return queryset.filter(Q(object_repr__icontains=value) | Q(reason__icontains=value))

    @property
    def active(self) -> bool:
        """Whether any filter narrows the list (for a "Clear filters" link)."""
        return self.is_bound and self.form.is_valid() and any(self.form.cleaned_data.values())
