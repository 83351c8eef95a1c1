"""The API's writes judged by the pages' own forms, and amounts as the API shows them.

Writes are judged by the portal page's own form: the serializer fields give the types and the
schema, then `run_form` feeds the form with the saved values overlaid with what the caller
sent, so that every rule of the page (currency of the amounts, goal names, landing-page
macros, banner images...) holds for the API too, with the page's words in the 400.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.db import models
from django.forms.models import model_to_dict
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lib.money import from_minor, quantize

# An amount as the API sends it: a decimal string ("12.50"), never a JSON number.
DECIMAL = {"type": "string", "format": "decimal", "example": "12.50"}
NULLABLE_DECIMAL = {"type": "string", "format": "decimal", "nullable": True}


def form_value(value: Any) -> Any:
    """A validated value as a form's POST would carry it."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return "" if value is None else value


def run_form(
    form_class: type[forms.ModelForm],
    *,
    attrs: dict,
    instance: models.Model | None,
    files: tuple[str, ...] = (),
    convert: dict[str, Any] | None = None,
    prefix: str = "",
    **kwargs: Any,
) -> forms.ModelForm:
    """The form, bound to the saved values (or the model's defaults) overlaid with `attrs`,
    and validated; its errors raise ValidationError under the API's field names (`prefix`
    for a nested object). The form works on a fresh copy of `instance`, which stays as saved
    (a view compares before and after)."""
    fields = list(form_class._meta.fields)
    saved = model_to_dict(instance if instance is not None else form_class._meta.model(), fields)
    data, uploads = {}, {}
    for name in fields:
        value = attrs[name] if name in attrs else saved.get(name)
        if name in files:
            if name in attrs and value:
                uploads[name] = value
            continue
        if convert and name in convert:
            value = convert[name](value)
        data[name] = form_value(value)
    copy = type(instance).objects.get(pk=instance.pk) if instance is not None else None
    form = form_class(data, uploads, instance=copy, **kwargs)
    if not form.is_valid():
        raise serializers.ValidationError(form_errors(form, prefix))
    return form


def form_errors(
    form: forms.BaseForm, prefix: str = "", renamed: dict[str, str] | None = None
) -> dict[str, list[str]]:
    """A page form's errors under the API's field names: `prefix` for a nested object,
    `renamed` where the API names a field otherwise than the form."""
    errors: dict[str, list[str]] = {}
    for name, messages in form.errors.items():
        if name == forms.forms.NON_FIELD_ERRORS:
            name = prefix.rstrip(".") or "non_field_errors"
        else:
            name = prefix + (renamed or {}).get(name, name)
        errors.setdefault(name, []).extend(str(m) for m in messages)
    return errors


def judged(form: forms.BaseForm) -> dict:
    """The page's form, valid, or its errors (with the page's words) as a 400."""
    if not form.is_valid():
        raise serializers.ValidationError(form_errors(form))
    return form.cleaned_data


def money(amount: Decimal | int | None, currency: str) -> str | None:
    """An amount in its currency's precision, as a string ("8.00", "120000" for VND)."""
    return None if amount is None else str(quantize(Decimal(amount), currency))


@extend_schema_field(DECIMAL)
class Amount(serializers.Field):
    """A stored amount (3 decimals in the database) in its currency's precision, as a string:
    "12.50" for USD, "120000" for VND. Read only."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return super().get_attribute(instance), instance.currency

    def to_representation(self, value) -> str:
        amount, currency = value
        return str(quantize(amount, currency))


@extend_schema_field(DECIMAL)
class MinorAmount(Amount):
    """An amount kept in minor units (the ledger's, an invoice's), as a decimal string."""

    def to_representation(self, value) -> str:
        amount, currency = value
        return str(from_minor(amount, currency))


REASON_MAX = 2000  # the pages' reason fields


class ReasonSerializer(serializers.Serializer):
    """The body of a move: why (sent to the company concerned; required to refuse)."""

    reason = serializers.CharField(
        max_length=REASON_MAX, required=False, allow_blank=True, default=""
    )
