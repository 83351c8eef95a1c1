"""What the advertiser's offers API reads and writes (offers/api_advertiser.py,
offers/api_advertiser_parts.py).

Writes are judged by the portal page's own form (offers/forms.py): the serializer fields give
the types and the schema, then `run_form` feeds the form with the saved values overlaid with
what the caller sent, so that every rule of the page (currency of the amounts, goal names,
landing-page macros, banner images...) holds for the API too. The views save what the form
cleaned, through the same services as the pages.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lib.countries import COUNTRY_CODES
from lib.money import CURRENCY_CODES
from network.api_base import NetworkRelatedField
from network.api_forms import run_form
from network.api_policy import membership_of
from network.models import Role
from offers.api_moves import ADVERTISER_OFFER_MOVES, move_names
from offers.forms import CreativeForm, GoalForm, LandingPageForm, OfferForm
from offers.models import (
    CATEGORIES,
    DEVICE_TYPES,
    GOAL_PRICE_FIELDS,
    Creative,
    Goal,
    LandingPage,
    Offer,
)
from offers.views_advertiser import _OfferToBe

# --- Ids the caller may name: their company's rows only ----------------------------------


def own_offers(rows, membership):
    return rows.filter(advertiser_id=membership.advertiser_id)


def own_landing_pages(rows, membership):
    return rows.filter(offer__advertiser_id=membership.advertiser_id)


# --- The page's form as the judge ---------------------------------------------------------


def lines(domains: list[str] | None) -> str:
    return "\n".join(domains or [])


# --- Goals ---------------------------------------------------------------------------------


class GoalTermsSerializer(serializers.ModelSerializer):
    """What the advertiser pays for a goal (the page's goal form)."""

    class Meta:
        model = Goal
        fields = ["name", "revenue_type", "revenue_amount", "revenue_percent"]


PAYOUT_AMOUNT = serializers.DecimalField(
    max_digits=14, decimal_places=3, allow_null=True, read_only=True
)
PAYOUT_PERCENT = serializers.DecimalField(
    max_digits=6, decimal_places=3, allow_null=True, read_only=True
)


class AdvertiserGoalSerializer(serializers.ModelSerializer):
    """A goal of one of the company's offers. The publisher payout is the network's to set:
    shown once set, never written here."""

    offer = NetworkRelatedField(Offer, limit=own_offers)
    currency = serializers.CharField(source="offer.currency", read_only=True)
    payout_type = serializers.SerializerMethodField()
    payout_amount = serializers.SerializerMethodField()
    payout_percent = serializers.SerializerMethodField()

    class Meta:
        model = Goal
        fields = ["id", "offer", "name", "is_default", *GOAL_PRICE_FIELDS]
        read_only_fields = ["id", "is_default", "payout_set"]
        validators: list = []  # the form judges names (case-insensitively, per offer)

    @extend_schema_field(
        serializers.ChoiceField(choices=Goal.Type.choices, allow_null=True, read_only=True)
    )
    def get_payout_type(self, goal: Goal) -> str | None:
        return goal.payout_type if goal.payout_set else None

    @extend_schema_field(PAYOUT_AMOUNT)
    def get_payout_amount(self, goal: Goal) -> str | None:
        return PAYOUT_AMOUNT.to_representation(goal.payout_amount) if goal.payout_set else None

    @extend_schema_field(PAYOUT_PERCENT)
    def get_payout_percent(self, goal: Goal) -> str | None:
        return PAYOUT_PERCENT.to_representation(goal.payout_percent) if goal.payout_set else None

    def validate(self, attrs: dict) -> dict:
        offer = self.instance.offer if self.instance else attrs["offer"]
        self.form = run_form(GoalForm, attrs=attrs, instance=self.instance, offer=offer)
        return attrs


class AdvertiserGoalUpdateSerializer(AdvertiserGoalSerializer):
    """A goal stays with its offer."""

    offer = serializers.PrimaryKeyRelatedField(read_only=True)


# --- Offers --------------------------------------------------------------------------------


# What the advertiser writes of an offer: the offer form's fields (the form judges them).
OFFER_FORM_FIELDS = OfferForm._meta.fields


class AdvertiserOfferSerializer(serializers.ModelSerializer):
    """One of the company's offers: what the offer form edits, and its state (read only;
    it changes through the moves: submit, pause, resume, archive)."""

    currency = serializers.ChoiceField(
        choices=sorted(CURRENCY_CODES),
        required=False,
        help_text="ISO 4217; the network's currency when left out of a new offer.",
    )
    category = serializers.ChoiceField(choices=[code for code, _label in CATEGORIES])
    preview_url = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    fallback_url = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    allowed_countries = serializers.ListField(
        child=serializers.ChoiceField(choices=COUNTRY_CODES),
        required=False,
        help_text="ISO country codes; empty: every country.",
    )
    device_types = serializers.ListField(
        child=serializers.ChoiceField(choices=[code for code, _name in DEVICE_TYPES]),
        required=False,
        help_text="Empty: every device.",
    )
    deep_link_domains = serializers.ListField(
        child=serializers.CharField(max_length=253),
        required=False,
        help_text="Host names publishers may deep-link to; empty: no deep links.",
    )
    fallback_offer = NetworkRelatedField(Offer, limit=own_offers, required=False, allow_null=True)
    default_goal = serializers.SerializerMethodField()
    running_publishers = serializers.IntegerField(source="running", read_only=True)
    moves = serializers.SerializerMethodField(
        help_text="The moves the offer allows now (each is a POST to its own URL)."
    )

    class Meta:
        model = Offer
        fields = [
            "id",
            *OFFER_FORM_FIELDS[:4],  # name, description, category, preview_url
            "status",
            *OFFER_FORM_FIELDS[4:],
            "default_goal",
            "running_publishers",
            "moves",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "status", "created_at", "updated_at"]

    @extend_schema_field(AdvertiserGoalSerializer(allow_null=True, read_only=True))
    def get_default_goal(self, offer: Offer) -> dict | None:
        goal = next((g for g in offer.goals.all() if g.is_default), None)
        return AdvertiserGoalSerializer(goal, context=self.context).data if goal else None

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=ADVERTISER_OFFER_MOVES))
    )
    def get_moves(self, offer: Offer) -> list[str]:
        return move_names(offer, Role.ADVERTISER, ADVERTISER_OFFER_MOVES)

    def validate(self, attrs: dict) -> dict:
        request = self.context["request"]
        if self.instance is None and not attrs.get("currency"):
            attrs["currency"] = request._request.network.currency
        self.form = run_form(
            OfferForm,
            attrs=attrs,
            instance=self.instance,
            convert={"deep_link_domains": lines},
            advertiser=membership_of(request).advertiser,
        )
        return attrs


class AdvertiserOfferCreateSerializer(AdvertiserOfferSerializer):
    """A new offer (a draft) with its default goal, like the page's "New offer" form."""

    default_goal = GoalTermsSerializer(
        help_text="The offer's first goal (the default one): what the advertiser pays."
    )

    def validate(self, attrs: dict) -> dict:
        goal_terms = attrs.pop("default_goal")
        errors: dict[str, list[str]] = {}
        try:
            super().validate(attrs)
        except serializers.ValidationError as exc:
            errors.update(exc.detail)
        try:  # the goal's amounts are judged in the offer's currency, as on the page
            self.goal_form = run_form(
                GoalForm,
                attrs=goal_terms,
                instance=None,
                prefix="default_goal.",
                offer=_OfferToBe(attrs["currency"]),
            )
        except serializers.ValidationError as exc:
            errors.update(exc.detail)
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


# --- Landing pages and creatives ----------------------------------------------------------


class AdvertiserLandingPageSerializer(serializers.ModelSerializer):
    offer = NetworkRelatedField(Offer, limit=own_offers)

    class Meta:
        model = LandingPage
        fields = ["id", "offer", "name", "url_template", "weight", "is_active"]
        read_only_fields = ["id"]
        extra_kwargs = {
            "url_template": {
                "help_text": (
                    "An http(s) URL with macros such as {transaction_id}, {affiliate_id}, "
                    "{aff_sub}...{aff_sub5}, {source}, {offer_id}, {goal_id}."
                )
            }
        }

    def validate(self, attrs: dict) -> dict:
        self.form = run_form(LandingPageForm, attrs=attrs, instance=self.instance)
        return attrs


class AdvertiserLandingPageUpdateSerializer(AdvertiserLandingPageSerializer):
    offer = serializers.PrimaryKeyRelatedField(read_only=True)


class AdvertiserCreativeSerializer(serializers.ModelSerializer):
    """A banner (an image, multipart upload), a text link or an HTML snippet."""

    offer = NetworkRelatedField(Offer, limit=own_offers)
    landing_page = NetworkRelatedField(
        LandingPage, limit=own_landing_pages, required=False, allow_null=True
    )
    image = serializers.ImageField(
        required=False,
        allow_null=True,
        help_text="The banner (PNG, JPEG, GIF, WebP; at most 2 MB): send it as multipart.",
    )

    class Meta:
        model = Creative
        fields = [
            "id",
            "offer",
            "name",
            "kind",
            "image",
            "width",
            "height",
            "text",
            "html",
            "landing_page",
            "is_active",
            "created_at",
        ]
        read_only_fields = ["id", "width", "height", "created_at"]

    def validate(self, attrs: dict) -> dict:
        offer = self.instance.offer if self.instance else attrs["offer"]
        self.form = run_form(
            CreativeForm, attrs=attrs, instance=self.instance, files=("image",), offer=offer
        )
        return attrs


class AdvertiserCreativeUpdateSerializer(AdvertiserCreativeSerializer):
    offer = serializers.PrimaryKeyRelatedField(read_only=True)
