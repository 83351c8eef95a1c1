"""The network's settings as one object, /api/v1/admin/settings/ (network/api_admin.py
registers it): GET reads it, PATCH changes it.

It is the settings page's (network.views network_settings) and the payout minimums page's:
NetworkSettingsForm and PayoutMinimumForm judge, network_update_settings and
payout_minimum_set save and audit (`network.<field>`, `network.payout_minimum`).
"""

from __future__ import annotations

from django.conf import settings as django_settings
from django.db import transaction
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from lib.money import from_minor
from network import step_up
from network.api_base import TenantViewSet
from network.api_docs import admin_roles, answers, example
from network.api_forms import form_errors, judged
from network.api_keys import ApiKey
from network.forms import NetworkSettingsForm, PayoutMinimumForm
from network.models import Network, PayoutMinimum
from network.services import network_update_settings, payout_minimum_set

# A decimal string in the schema (without the example network.api_forms.DECIMAL shows).
DECIMAL = {"type": "string", "format": "decimal"}


class PayoutMinimumSerializer(serializers.Serializer):
    """One currency's minimum payout; in a PATCH, `amount` null removes it."""

    currency = serializers.CharField(max_length=3)
    # The decimals are the currency's (0 for VND, 3 for KWD): judged by the page's form.
    amount = serializers.DecimalField(max_digits=18, decimal_places=None, allow_null=True)


class NetworkSettingsSerializer(serializers.Serializer):
    """The settings page's fields, plus the address and currency (fixed: money is booked in it)."""

    name = serializers.CharField()
    slug = serializers.CharField(help_text="The network's address (fixed).")
    currency = serializers.CharField(help_text="Fixed: money is booked in it.")
    timezone = serializers.CharField()
    language = serializers.ChoiceField(choices=django_settings.LANGUAGES)
    default_margin_percent = serializers.DecimalField(max_digits=5, decimal_places=2)
    min_payout = serializers.SerializerMethodField(
        help_text="The minimum payout in the network's own currency (0: none)."
    )
    payout_minimums = serializers.SerializerMethodField(
        help_text="The minimum payout per currency; a currency not listed has none."
    )
    payout_second_approver = serializers.BooleanField()
    invoice_terms_days = serializers.IntegerField(
        help_text="Days an invoice is due after it is issued (Net 30); 0: due on receipt."
    )

    @extend_schema_field(DECIMAL)
    def get_min_payout(self, network: Network) -> str:
        return str(from_minor(network.minimum_payout(network.currency) or 0, network.currency))

    @extend_schema_field(PayoutMinimumSerializer(many=True))
    def get_payout_minimums(self, network: Network) -> list[dict]:
        rows = PayoutMinimum.objects.filter(network=network)
        return [
            {"currency": row.currency, "amount": str(from_minor(row.amount, row.currency))}
            for row in rows
        ]


class NetworkSettingsWriteSerializer(serializers.Serializer):
    """What PATCH may change (each optional); the settings page's form judges the result."""

    name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    timezone = serializers.CharField(max_length=64, required=False)
    language = serializers.ChoiceField(choices=django_settings.LANGUAGES, required=False)
    default_margin_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False
    )
    min_payout = serializers.DecimalField(max_digits=14, decimal_places=3, required=False)
    payout_minimums = PayoutMinimumSerializer(many=True, required=False)
    payout_second_approver = serializers.BooleanField(required=False)
    invoice_terms_days = serializers.IntegerField(min_value=0, max_value=365, required=False)


def judged_minimums(rows: list[dict]) -> list[dict]:
    """Each minimum judged by the payout minimums page's form, errors named by position
    (`payout_minimums.0.amount`); all are judged before anything is saved."""
    judged_rows = []
    for index, row in enumerate(rows):
        form = PayoutMinimumForm(row)
        if not form.is_valid():
            raise serializers.ValidationError(form_errors(form, f"payout_minimums.{index}."))
        judged_rows.append(form.cleaned_data)
    return judged_rows


SETTINGS_EXAMPLE = {
    "name": "Alpha Network",
    "slug": "alpha",
    "currency": "USD",
    "timezone": "Europe/Berlin",
    "language": "en",
    "default_margin_percent": "20.00",
    "min_payout": "50.00",
    "payout_minimums": [
        {"currency": "KWD", "amount": "15.000"},
        {"currency": "USD", "amount": "50.00"},
        {"currency": "VND", "amount": "500000"},
    ],
    "payout_second_approver": False,
    "invoice_terms_days": 30,
}
TAGS_SETTINGS = ["admin: settings"]


class NetworkSettingsViewSet(TenantViewSet):
    """The settings page (/manage/settings/) as one object at /api/v1/admin/settings/: GET
    reads it, PATCH changes it through the page's form and service."""

    roles = admin_roles("show_settings", "change_settings")
    serializer_class = NetworkSettingsSerializer
    filter_backends: list = []
    pagination_class = None

    def visible(self, membership):
        return PayoutMinimum.objects.none()  # no rows: the one object is the request's network

    def visible_model(self):
        return Network

    def fresh_network(self) -> Network:
        # A fresh copy: request.network is shared by the host cache and must not be edited.
        return Network.objects.get(pk=self.request._request.network.pk)

    @extend_schema(
        summary="The network's settings",
        description="As the settings page: name, time zone, language, default margin, "
        "minimum payout (in the network's currency), whether payout runs need a second "
        "approver and the invoices' payment terms in days. The address (`slug`) and "
        "`currency` are fixed.",
        responses=answers(NetworkSettingsSerializer),
        examples=[example("The settings", SETTINGS_EXAMPLE)],
        tags=TAGS_SETTINGS,
    )
    @action(detail=False, methods=["get"], url_path="settings")
    def show_settings(self, request):
        return Response(NetworkSettingsSerializer(self.fresh_network()).data)

    @extend_schema(
        summary="Change the network's settings",
        description="Send the fields to change; the others keep their value and the whole "
        "is judged by the settings page's form: a `timezone` of the IANA list, `language` "
        "en or vi, a `default_margin_percent` from 0 to 100, a `min_payout` (the minimum in "
        "the network's currency) not negative and no finer than the currency's minor unit. "
        "`payout_minimums` sets the minimum of each currency listed (`amount` null removes "
        "it; audited as `network.payout_minimum`); currencies not listed keep theirs. "
        "`invoice_terms_days` from 0 to 365 (for invoices issued after the change). "
        "`slug` and `currency` cannot be changed "
        "(sent, they are ignored). Each changed field is written to the audit log "
        "(`network.<field>`, from the old value to the new). The money controls "
        "(`min_payout`, `payout_minimums`, `payout_second_approver`) change only with two-factor "
        "authentication on and a key with the `payouts:approve` scope (or a browser session "
        "that re-authenticated recently); else 403 (`mfa_required` / `scope_required`). "
        "A payout run keeps the second approver rule it started with.",
        request=NetworkSettingsWriteSerializer,
        responses=answers(NetworkSettingsSerializer),
        examples=[
            example(
                "Berlin time, 25.50 minimum",
                {
                    "timezone": "Europe/Berlin",
                    "min_payout": "25.50",
                    "payout_minimums": [{"currency": "KWD", "amount": "15.000"}],
                },
                request=True,
            ),
            example("The settings after the change", SETTINGS_EXAMPLE),
        ],
        tags=TAGS_SETTINGS,
    )
    @show_settings.mapping.patch
    def change_settings(self, request):
        network = self.fresh_network()
        # partial: a field not sent stays as it is (in a multipart body too, where DRF would
        # otherwise read a missing checkbox as false).
        typed = self.body_of(NetworkSettingsWriteSerializer, partial=True)
        current = NetworkSettingsForm(instance=network).initial
        data = {name: current.get(name) for name in NetworkSettingsForm.Meta.fields}
        # The values as sent (typed above), as the page posts them: 25.50 is audited as 25.50.
        sent = {name: request.data.get(name, value) for name, value in typed.items()}
        minimums = judged_minimums(sent.pop("payout_minimums", []))
        form = NetworkSettingsForm({**data, **sent}, instance=network)
        judged(form)
        key = request.auth if isinstance(request.auth, ApiKey) else None
        proof = step_up.of_request(request._request, key)
        with transaction.atomic():  # the settings and the minimums together, or nothing
            network_update_settings(network=network, actor=request.user, form=form, proof=proof)
            for minimum in minimums:
                payout_minimum_set(
                    network=network,
                    actor=request.user,
                    currency=minimum["currency"],
                    amount=minimum["amount"],
                    proof=proof,
                )
        return Response(NetworkSettingsSerializer(self.fresh_network()).data)
