"""The report pages' filters: a date preset or a custom range (days in the network's time
zone), the grouping the role may use, and the offer / publisher / country / device filters.

The FilterSet is the page's form and the source of truth for what a role may ask; it does
not filter a queryset itself: the rows come from two sources (rollups, raw clicks) through
`reports.query`, which takes the validated choices as plain arguments (`report_args()`).
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import django_filters as filters
from django import forms
from django.db.models import Model, QuerySet
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from lib.days import day_start
from lib.filters import day_filter
from lib.widgets import FastSelect
from offers.models import Offer, OfferAccess
from publishers.models import Publisher
from reports.models import HourlyStat
from reports.query import is_pair, is_sub_group, reads_clicks

PRESETS = [
    ("today", _("Today")),
    ("yesterday", _("Yesterday")),
    ("last_7_days", _("Last 7 days")),
    ("this_month", _("This month")),
    ("last_month", _("Last month")),
    ("last_30_days", _("Last 30 days")),
    ("custom", _("Custom range")),
]
DEFAULT_PRESET = "last_7_days"
GROUP_LABELS = {
    "date": _("Date"),
    "hour": _("Hour"),
    "offer": _("Offer"),
    "goal": _("Goal"),
    "publisher": _("Publisher"),
    "landing_page": _("Landing page"),
    "aff_sub": _("aff_sub"),
    "aff_sub2": _("aff_sub2"),
    "aff_sub3": _("aff_sub3"),
    "aff_sub4": _("aff_sub4"),
    "aff_sub5": _("aff_sub5"),
    "source": _("Source"),
    "country": _("Country"),
    "device": _("Device"),
}
ROLE_GROUPS = {
    "admin": tuple(GROUP_LABELS),
    # Every grouping but the publishers' sub IDs and traffic source.
    "advertiser": tuple(name for name in GROUP_LABELS if not is_sub_group(name)),
    "publisher": tuple(name for name in GROUP_LABELS if name != "publisher"),
}
DEVICE_CHOICES = [
    ("desktop", _("Desktop")),
    ("mobile", _("Mobile")),
    ("tablet", _("Tablet")),
    ("bot", _("Bot")),
]


def preset_days(preset: str, today: date) -> tuple[date, date]:
    """The first and last day (both included) of a preset, around `today`."""
    if preset == "today":
        return today, today
    if preset == "yesterday":
        return today - timedelta(days=1), today - timedelta(days=1)
    if preset == "this_month":
        return today.replace(day=1), today
    if preset == "last_month":
        last = today.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last.replace(day=calendar.monthrange(last.year, last.month)[1])
    if preset == "last_30_days":
        return today - timedelta(days=29), today
    return today - timedelta(days=6), today  # last 7 days


def day_range(first: date, last: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """[midnight of the first day, midnight after the last day) in the zone."""
    return day_start(first, zone), day_start(last + timedelta(days=1), zone)


def publishers_for(role: str, membership) -> QuerySet[Publisher]:
    # Only what the select shows: a network has thousands of publishers.
    publishers = Publisher.objects.order_by("name", "pk").only("pk", "name", "network_id")
    if role == "advertiser":
        # Those who run, ran or asked for the company's offers: sending traffic takes an
        # approved access, and a revoked one keeps its row (blocked / rejected).
        company = membership.advertiser
        access = OfferAccess.objects.filter(offer__advertiser=company).values("publisher_id")
        return publishers.filter(pk__in=access)
    return publishers


def plain_choices(field: forms.ModelChoiceField) -> None:
    """The select's options as (id, name) pairs from one query, not a model instance per
    option (2,000 publishers); a chosen id is still checked against the queryset."""
    options = list(field.queryset.values_list("pk", "name"))
    field.widget.choices = [("", field.empty_label), *options]


def one_of(model: type[Model], label: str, every: str) -> filters.ModelChoiceFilter:
    """A long select of one row of `model` (`every`: the empty choice), kept for the report's
    query; the filter gives it the rows the role may pick (__init__, plain_choices)."""
    return filters.ModelChoiceFilter(
        label=label,
        queryset=model.objects.none(),
        empty_label=every,
        method="keep",
        widget=FastSelect,
    )


class ReportFilter(filters.FilterSet):
    preset = filters.ChoiceFilter(
        label=_("Period"), choices=PRESETS, empty_label=None, method="keep"
    )
    date_from = day_filter(_("From"), "keep")
    date_to = day_filter(_("To"), "keep")
    group_by = filters.ChoiceFilter(
        label=_("Group by"), choices=[], empty_label=None, method="keep"
    )
    # The segment: a second grouping inside the first (publisher x country, offer x sub id).
    then_by = filters.ChoiceFilter(
        label=_("Then by"), choices=[], empty_label=_("Nothing else"), method="keep"
    )
    offer = one_of(Offer, _("Offer"), _("Every offer"))
    publisher = one_of(Publisher, _("Publisher"), _("Every publisher"))
    country = filters.CharFilter(label=_("Country"), max_length=2, method="keep")
    device = filters.ChoiceFilter(
        label=_("Device"), choices=DEVICE_CHOICES, empty_label=_("Every device"), method="keep"
    )

    class Meta:
        model = HourlyStat
        fields: list[str] = []

    def __init__(self, data, *, role: str, membership, offers: QuerySet[Offer], timezone: str):
        data = data.copy() if data is not None else {}
        data.setdefault("preset", DEFAULT_PRESET)
        data.setdefault("group_by", "date")
        super().__init__(data, queryset=HourlyStat.objects.none())
        self.role = role
        self.zone = ZoneInfo(timezone)
        groups = ROLE_GROUPS[role]
        self.filters["group_by"].extra["choices"] = [(g, GROUP_LABELS[g]) for g in groups]
        self.filters["then_by"].extra["choices"] = [(g, GROUP_LABELS[g]) for g in groups]
        self.filters["offer"].queryset = offers
        if role == "publisher":
            del self.filters["publisher"]
        else:
            self.filters["publisher"].queryset = publishers_for(role, membership)
        self.form.clean = self.clean_form
        for name in ("offer", "publisher"):
            if name in self.form.fields:
                plain_choices(self.form.fields[name])

    def check_pair(self, data: dict) -> None:
        group_by, then_by = data.get("group_by") or "", data.get("then_by") or ""
        if not then_by:
            return
        if then_by == group_by:
            raise forms.ValidationError(
                {"then_by": _("Choose a second grouping other than the first.")}
            )
        if not is_pair(group_by, then_by):
            raise forms.ValidationError(
                {
                    "then_by": _(
                        "There is no report by %(first)s and %(second)s: see the pairs "
                        "below the form."
                    )
                    % {"first": GROUP_LABELS[group_by], "second": GROUP_LABELS[then_by]}
                }
            )

    def option_names(self, group_by: str) -> dict[int, str]:
        """The names the offer or publisher select already holds, by id (for the rows)."""
        field = self.form.fields.get(group_by) if group_by in ("offer", "publisher") else None
        if field is None:
            return {}
        return {pk: name for pk, name in field.widget.choices if pk != ""}

    def keep(self, queryset, name, value):
        return queryset  # see the module docstring: reports.query applies the choices

    def clean_form(self) -> dict:
        data = forms.Form.clean(self.form)
        if data.get("preset") == "custom":
            first, last = data.get("date_from"), data.get("date_to")
            if not first or not last:
                raise forms.ValidationError(_("Choose the first and last day of the range."))
            if last < first:
                raise forms.ValidationError(_("The last day is before the first one."))
        self.check_pair(data)
        if (
            reads_clicks(data.get("group_by") or "", data.get("then_by") or "")
            and self.role == "admin"
            and not data.get("publisher")
        ):
            raise forms.ValidationError(
                _("A report by sub id or source is for one publisher: choose a publisher.")
            )
        return data

    def days(self) -> tuple[date, date]:
        data = self.form.cleaned_data
        if data.get("preset") == "custom":
            return data["date_from"], data["date_to"]
        today = now().astimezone(self.zone).date()
        return preset_days(data.get("preset") or DEFAULT_PRESET, today)

    def report_args(self) -> dict:
        """reports.query's keyword arguments from the valid form (less network/role_scope)."""
        data = self.form.cleaned_data
        start, end = day_range(*self.days(), self.zone)
        wanted = {
            "offer_id": data["offer"].pk if data.get("offer") else None,
            "publisher_id": data["publisher"].pk if data.get("publisher") else None,
            "country": (data.get("country") or "").upper(),
            "device": data.get("device") or "",
        }
        return {
            "group_by": data["group_by"],
            "then_by": data.get("then_by") or "",
            "start": start,
            "end": end,
            "filters": {name: value for name, value in wanted.items() if value},
            "tz": str(self.zone),
        }
