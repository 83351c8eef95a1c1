"""Forms for offers and their parts. Money is checked against the offer's currency."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from django_scopes.forms import SafeModelChoiceField

from lib.countries import country_choices
from lib.formats import format_number
from lib.money import CURRENCY_CHOICES, validate_amount, validate_percent
from lib.urls import validate_hostname
from lib.widgets import FastSelectMultiple
from offers.models import DEVICE_TYPES, Cap, Creative, Goal, LandingPage, Offer

MAX_BANNER_BYTES = 2 * 1024 * 1024


class OfferForm(forms.ModelForm):
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCY_CHOICES)
    allowed_countries = forms.MultipleChoiceField(
        label=_("Allowed countries"),
        choices=country_choices,
        required=False,
        help_text=_("Leave empty to accept traffic from every country."),
        widget=FastSelectMultiple(attrs={"size": 8}),
    )
    device_types = forms.MultipleChoiceField(
        label=_("Device types"),
        choices=DEVICE_TYPES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty to accept every device."),
    )
    deep_link_domains = forms.CharField(
        label=_("Allowed deep-link domains"),
        required=False,
        help_text=_(
            "Host names publishers may deep-link to, one per line (shop.example). "
            "Leave empty to forbid deep links."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    preview_url = forms.URLField(label=_("Preview URL"), required=False, assume_scheme="https")
    fallback_url = forms.URLField(label=_("Fallback URL"), required=False, assume_scheme="https")

    class Meta:
        model = Offer
        fields = [
            "name",
            "description",
            "category",
            "preview_url",
            "visibility",
            "currency",
            "allowed_countries",
            "device_types",
            "attribution_window_days",
            "attribution_model",
            "hold_days",
            "multiple_conversions",
            "fallback_offer",
            "fallback_url",
            "expires_on",
            "terms",
            "deep_link_domains",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "terms": forms.Textarea(attrs={"rows": 3}),
            "expires_on": forms.DateInput(attrs={"type": "date"}),
        }
        # Querysets of these fields are evaluated at import, outside any scope: Safe* defers.
        field_classes = {"fallback_offer": SafeModelChoiceField}

    def __init__(self, *args, advertiser, **kwargs):
        super().__init__(*args, **kwargs)
        self.advertiser = advertiser
        # Fallback offers: this advertiser's other offers only (queried in the request scope).
        others = Offer.objects.filter(advertiser=advertiser)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        self.fields["fallback_offer"].queryset = others
        if self.instance.pk:
            self.initial["deep_link_domains"] = "\n".join(self.instance.deep_link_domains)

    def clean_currency(self) -> str:
        """Amounts already typed must still fit a new currency (10.50 cannot become VND)."""
        currency = self.cleaned_data["currency"]
        if not self.instance.pk:
            return currency
        offer = self.instance
        amounts = [
            (g.name, a) for g in offer.goals.all() for a in (g.revenue_amount, g.payout_amount)
        ]
        caps = offer.caps.filter(metric=Cap.Metric.PAYOUT)
        amounts += [(_("A payout cap"), c.limit) for c in caps]
        for name, amount in amounts:
            try:
                validate_amount(amount, currency)
            except ValidationError as exc:
                raise ValidationError(
                    _("%(name)s has the amount %(amount)s: %(error)s")
                    % {"name": name, "amount": format_number(amount), "error": exc.messages[0]}
                ) from None
        return currency

    def clean_deep_link_domains(self) -> list[str]:
        raw = self.cleaned_data.get("deep_link_domains") or ""
        domains = [line.strip().lower().rstrip(".") for line in raw.replace(",", "\n").splitlines()]
        domains = [d for d in domains if d]
        errors = []
        for domain in domains:
            try:
                validate_hostname(domain)
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return sorted(set(domains))


def first_goal_name(network) -> str:
    """The name the new-offer form suggests for the default goal, in the network's language:
    the network's publishers read it, whatever language the advertiser's own pages are in."""
    with translation.override(network.language):
        return pgettext("the name of an offer's first goal", "Sale")


class GoalForm(forms.ModelForm):
    """What the advertiser pays for a goal. The publisher payout is the admins' to set."""

    class Meta:
        model = Goal
        fields = ["name", "revenue_type", "revenue_amount", "revenue_percent"]

    def __init__(self, *args, offer: Offer, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer = offer

    def clean(self) -> dict:
        data = super().clean()
        clean_terms(
            self, data, "revenue_type", "revenue_amount", "revenue_percent", self.offer.currency
        )
        name = data.get("name")
        clash = self.offer.goals.filter(name__iexact=name or "").exclude(pk=self.instance.pk)
        if name and clash.exists():
            self.add_error("name", _("This offer already has a goal with this name."))
        return data


def clean_terms(
    form: forms.Form,
    data: dict,
    type_field: str,
    amount_field: str,
    percent_field: str,
    currency: str,
) -> None:
    """Validate a (type, flat amount, percent) triple: the fields the type uses must be set."""
    kind = data.get(type_field)
    amount = data.get(amount_field) or Decimal(0)
    percent = data.get(percent_field) or Decimal(0)
    for field, check in (
        (amount_field, lambda: validate_amount(amount, currency)),
        (percent_field, lambda: validate_percent(percent)),
    ):
        try:
            check()
        except ValidationError as exc:
            form.add_error(field, exc)
    if not kind:
        return
    terms = Goal.Type(kind)
    if terms.has_flat and amount <= 0:
        form.add_error(amount_field, _("This type needs a flat amount above zero."))
    if terms.has_percent and percent <= 0:
        form.add_error(percent_field, _("This type needs a percent above zero."))
    if not terms.has_percent and percent:
        form.add_error(percent_field, _("Only CPS and CPA + CPS use a percent."))
    if not terms.has_flat and amount:
        form.add_error(amount_field, _("CPS pays a percent only; leave the flat amount at 0."))


class LandingPageForm(forms.ModelForm):
    class Meta:
        model = LandingPage
        fields = ["name", "url_template", "weight", "is_active"]
        widgets = {
            "url_template": forms.TextInput(
                attrs={"placeholder": "https://shop.example/?click={transaction_id}&sub={aff_sub}"}
            )
        }


class CreativeForm(forms.ModelForm):
    class Meta:
        model = Creative
        fields = ["name", "kind", "image", "text", "html", "landing_page", "is_active"]
        labels = {"landing_page": _("Landing page")}
        widgets = {"html": forms.Textarea(attrs={"rows": 4})}
        field_classes = {"landing_page": SafeModelChoiceField}

    def __init__(self, *args, offer: Offer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["landing_page"].queryset = offer.landing_pages.all()

    def clean(self) -> dict:
        data = super().clean()
        kind, image = data.get("kind"), data.get("image")
        if kind == Creative.Kind.BANNER and not image:
            self.add_error("image", _("Upload the banner image."))
        if image and getattr(image, "size", 0) > MAX_BANNER_BYTES:
            self.add_error("image", _("Banners are at most 2 MB."))
        if kind == Creative.Kind.TEXT and not (data.get("text") or "").strip():
            self.add_error("text", _("Write the link text."))
        if kind == Creative.Kind.HTML and "{tracking_link}" not in (data.get("html") or ""):
            self.add_error("html", _("The HTML must contain {tracking_link}."))
        return data


class CapForm(forms.ModelForm):
    class Meta:
        model = Cap
        fields = ["period", "metric", "limit", "action", "publisher"]
        labels = {"publisher": _("Publisher")}
        field_classes = {"publisher": SafeModelChoiceField}

    def __init__(self, *args, offer: Offer, allow_publisher: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer = offer
        if allow_publisher:
            from publishers.models import Publisher

            self.fields["publisher"].queryset = Publisher.objects.filter(status="approved")
        else:
            del self.fields["publisher"]

    def clean(self) -> dict:
        data = super().clean()
        limit, metric = data.get("limit"), data.get("metric")
        if limit is None or metric is None:
            return data
        if limit <= 0:
            self.add_error("limit", _("A cap is a positive number."))
        elif metric == Cap.Metric.PAYOUT:
            try:
                validate_amount(limit, self.offer.currency)
            except ValidationError as exc:
                self.add_error("limit", exc)
        elif limit != limit.to_integral_value():
            self.add_error("limit", _("Count caps are whole numbers."))
        return data
