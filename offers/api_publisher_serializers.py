"""What the publisher's offers API reads and writes (offers/api_publisher.py): the
marketplace, an offer's page, applying and the link builder.

Everything a publisher reads is what their pages show them, and nothing more: their own payout
(never the network's revenue, margin or the source of a payout). Writes are judged by the
pages' own forms (offers.forms_publisher), so the rules and messages are the same.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lib.macros import fill
from network.api_base import IdField, ReadOnlyModelSerializer
from network.api_forms import form_errors, money
from offers.forms_publisher import SUB_MAX_LENGTH, ApplyForm, LinkForm
from offers.links import SUB_FIELDS, check_deep_link
from offers.models import (
    CATEGORIES,
    DEVICE_TYPES,
    Creative,
    GoalType,
    LandingPage,
    Offer,
    OfferAccess,
)
from offers.payout_hooks import ResolvedPayout
from offers.tables_publisher import payout_label

# A publisher's access to an offer: their OfferAccess status, or what they may do without one.
ACCESS_STATES = ["open", "apply", *OfferAccess.Status.values]


# --- Offers --------------------------------------------------------------------------------


class PayoutSerializer(serializers.Serializer):
    """What the publisher earns on a goal, as their offer page shows it: their override, their
    tier's payout or the goal's, whichever applies (which one is not said, as on the page)."""

    goal = serializers.IntegerField(help_text=_("The goal's id."))
    goal_name = serializers.CharField()
    is_default = serializers.BooleanField()
    payout_type = serializers.ChoiceField(choices=GoalType.choices)
    payout_amount = serializers.DecimalField(
        max_digits=14,
        decimal_places=3,
        allow_null=True,
        help_text=_("The flat amount, in the offer's currency; null when the type has none."),
    )
    payout_percent = serializers.DecimalField(
        max_digits=6,
        decimal_places=3,
        allow_null=True,
        help_text=_("Percent of the sale amount; null when the type has none."),
    )
    currency = serializers.CharField()
    label = serializers.CharField(help_text=_('As the portal writes it, e.g. "8.00 USD CPA".'))

    @staticmethod
    def data_of(goal, payout: ResolvedPayout, currency: str) -> dict[str, Any]:
        try:
            kind = GoalType(payout.payout_type)
        except ValueError:  # no payout set yet: nothing to show but the type
            kind = None
        return {
            "goal": goal.pk,
            "goal_name": goal.name,
            "is_default": goal.is_default,
            "payout_type": payout.payout_type,
            "payout_amount": money(payout.amount, currency) if kind and kind.has_flat else None,
            "payout_percent": (
                str(Decimal(payout.percent).quantize(Decimal("0.001")))
                if kind and kind.has_percent
                else None
            ),
            "currency": currency,
            "label": payout_label(payout, currency) if kind else "—",
        }


class PublisherOfferSerializer(ReadOnlyModelSerializer):
    """An offer of the marketplace, with the publisher's access and payout (default goal)."""

    category = serializers.ChoiceField(choices=[code for code, _label in CATEGORIES])
    preview_url = serializers.CharField(help_text=_("The advertiser's page; may be empty."))
    access = serializers.SerializerMethodField(
        help_text=_(
            "Your access: approved (run it), pending (applied), rejected, or without an "
            "application: open (public: apply to start at once) or apply (approval required)."
        )
    )
    payout = serializers.SerializerMethodField(help_text=_("Your payout on the default goal."))

    class Meta:
        model = Offer
        fields = [
            "id",
            "name",
            "category",
            "currency",
            "visibility",
            "preview_url",
            "allowed_countries",
            "device_types",
            "expires_on",
            "access",
            "payout",
            "created_at",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=ACCESS_STATES))
    def get_access(self, offer: Offer) -> str:
        access = self.context["accesses"].get(offer.pk)
        if access is not None:
            return access.status
        return "open" if offer.visibility == Offer.Visibility.PUBLIC else "apply"

    @extend_schema_field(PayoutSerializer(allow_null=True))
    def get_payout(self, offer: Offer) -> dict | None:
        goal = next((g for g in offer.goals.all() if g.is_default), None)
        if goal is None:
            return None
        return PayoutSerializer.data_of(goal, self.context["payouts"][goal.pk], offer.currency)


class LandingPagePreviewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    preview_url = serializers.CharField(
        help_text=_("The page with its macros left empty: to look at, not to send traffic to.")
    )


class PublisherCreativeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Creative.Kind.choices)
    image = serializers.CharField(allow_null=True, help_text=_("A banner's image URL."))
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    text = serializers.CharField(allow_blank=True)
    landing_page = serializers.IntegerField(allow_null=True)
    embed_code = serializers.CharField(
        allow_null=True,
        help_text=_(
            "The HTML to paste (wrapped in your tracking link, with the impression pixel); "
            "null until your access is approved."
        ),
    )


class PublisherOfferDetailSerializer(PublisherOfferSerializer):
    """One offer as its page shows it: goals with your payout, landing pages, creatives,
    terms; once approved, your default tracking link and impression pixel."""

    device_types = serializers.ListField(
        child=serializers.ChoiceField(choices=[code for code, _name in DEVICE_TYPES])
    )
    access_note = serializers.SerializerMethodField(help_text=_("Your note when you applied."))
    access_reason = serializers.SerializerMethodField(
        help_text=_("Why the network rejected your application (when rejected).")
    )
    goals = serializers.SerializerMethodField()
    landing_pages = serializers.SerializerMethodField()
    creatives = serializers.SerializerMethodField()
    tracking_link = serializers.SerializerMethodField(
        help_text=_("Your tracking link (rotating landing pages); null until approved.")
    )
    impression_pixel = serializers.SerializerMethodField(
        help_text=_("The impression pixel's HTML; null until approved.")
    )

    class Meta(PublisherOfferSerializer.Meta):
        fields = [
            *PublisherOfferSerializer.Meta.fields,
            "description",
            "attribution_window_days",
            "attribution_model",
            "hold_days",
            "terms",
            "deep_link_domains",
            "access_note",
            "access_reason",
            "goals",
            "landing_pages",
            "creatives",
            "tracking_link",
            "impression_pixel",
        ]

    def _access(self, offer: Offer) -> OfferAccess | None:
        return self.context["accesses"].get(offer.pk)

    def get_access_note(self, offer: Offer) -> str:
        access = self._access(offer)
        return access.publisher_note if access else ""

    def get_access_reason(self, offer: Offer) -> str:
        access = self._access(offer)
        rejected = access is not None and access.status == OfferAccess.Status.REJECTED
        return access.reason if rejected else ""

    @extend_schema_field(PayoutSerializer(many=True))
    def get_goals(self, offer: Offer) -> list[dict]:
        payouts = self.context["payouts"]
        currency = offer.currency
        return [PayoutSerializer.data_of(g, payouts[g.pk], currency) for g in offer.goals.all()]

    @extend_schema_field(LandingPagePreviewSerializer(many=True))
    def get_landing_pages(self, offer: Offer) -> list[dict]:
        return [
            {"id": page.pk, "name": page.name, "preview_url": fill(page.url_template, {})}
            for page in offer.landing_pages.all()
            if page.is_active
        ]

    @extend_schema_field(PublisherCreativeSerializer(many=True))
    def get_creatives(self, offer: Offer) -> list[dict]:
        return self.context["creatives"]

    def get_tracking_link(self, offer: Offer) -> str | None:
        return self.context["links"].get("url")

    def get_impression_pixel(self, offer: Offer) -> str | None:
        return self.context["links"].get("pixel")


class ApplySerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text=_("How and where you will promote this offer (optional)."),
    )

    def validate(self, attrs: dict) -> dict:
        form = ApplyForm(attrs)
        if not form.is_valid():
            raise serializers.ValidationError(form_errors(form))
        return form.cleaned_data


def runnable_offers(rows, membership):
    return rows.filter(pk__in=Offer.objects.runnable_by(membership.publisher).values("pk"))


def parts_of_runnable_offers(rows, membership):
    return rows.filter(offer__in=Offer.objects.runnable_by(membership.publisher).values("pk"))


class LinkRequestSerializer(serializers.Serializer):
    """The link builder of the offer page: an offer you run, then the same optional fields
    and checks (sub ids, landing page, deep link), plus a creative to count."""

    offer = IdField(
        Offer, limit=runnable_offers, help_text=_("An offer you run (access approved).")
    )
    landing_page = IdField(
        LandingPage,
        limit=parts_of_runnable_offers,
        required=False,
        allow_null=True,
        help_text=_("An active landing page of the offer; left out: rotate between them."),
    )
    creative = IdField(
        Creative,
        limit=parts_of_runnable_offers,
        required=False,
        allow_null=True,
        help_text=_(
            "An active creative of the offer: the link and pixel then count it (file_id), and "
            "the link lands on the creative's landing page unless you name one."
        ),
    )
    aff_sub = serializers.CharField(required=False, allow_blank=True, max_length=SUB_MAX_LENGTH)
    aff_sub2 = serializers.CharField(required=False, allow_blank=True, max_length=SUB_MAX_LENGTH)
    aff_sub3 = serializers.CharField(required=False, allow_blank=True, max_length=SUB_MAX_LENGTH)
    aff_sub4 = serializers.CharField(required=False, allow_blank=True, max_length=SUB_MAX_LENGTH)
    aff_sub5 = serializers.CharField(required=False, allow_blank=True, max_length=SUB_MAX_LENGTH)
    source = serializers.CharField(required=False, allow_blank=True, max_length=SUB_MAX_LENGTH)
    deep_link = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text=_("A page of the offer's deep-link domains to send the visitor to."),
    )

    def validate(self, attrs: dict) -> dict:
        offer, page, creative = attrs["offer"], attrs.get("landing_page"), attrs.get("creative")
        errors: dict[str, list[str]] = {}
        not_this = _("Not an active one of this offer.")
        if page is not None and (page.offer_id != offer.pk or not page.is_active):
            errors["landing_page"] = [not_this]
        if creative is not None and (creative.offer_id != offer.pk or not creative.is_active):
            errors["creative"] = [not_this]
        deep_link = attrs.get("deep_link", "").strip()
        if deep_link and not offer.allows_deep_links:  # the page has no such field then
            try:
                check_deep_link(offer, deep_link)
            except DjangoValidationError as exc:
                errors["deep_link"] = exc.messages
        if errors:
            raise serializers.ValidationError(errors)
        if page is None and creative is not None:
            page = creative.landing_page  # as the creative's embed code links
        data = {name: attrs.get(name, "") for name in SUB_FIELDS}
        data.update(landing_page=page.pk if page else "", deep_link=deep_link)
        form = LinkForm(data, offer=offer)
        if not form.is_valid():
            raise serializers.ValidationError(form_errors(form))
        return {
            "offer": offer,
            "landing_page": form.cleaned_data["landing_page"],
            "creative": creative,
            "subs": form.subs(),
            "deep_link": form.cleaned_data.get("deep_link", ""),
        }


class LinkSerializer(serializers.Serializer):
    url = serializers.CharField(help_text=_("The tracking link."))
    impression_pixel = serializers.CharField(help_text=_("The impression pixel's HTML."))
    impression_pixel_url = serializers.CharField(help_text=_("The pixel's image URL alone."))
    landing_page = serializers.IntegerField(allow_null=True)
    creative = serializers.IntegerField(allow_null=True)
