"""The API's writes judged by the pages' own forms, and amounts as the API shows them.

Writes are judged by the portal page's own form: the serializer fields give the types and the
schema, then `run_form` feeds the form with the saved values overlaid with what the caller
sent, so that every rule of the page (currency of the amounts, goal names, landing-page
macros, banner images...) holds for the API too, with the page's words in the 400.

A viewset whose rows a page writes takes its create, update and delete from FormCreate,
FormUpdate and ServiceDestroy: the body is typed by a serializer, the subclass judges it by
the page's form and calls the page's service, and the answer is the row as the list shows it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.db import models
from django.forms.models import model_to_dict
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

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


# --- Viewsets whose writes are a page's ------------------------------------------------------


class FormWrites:
    """What the writes of a viewset judged by a page's form share: the answer (the row read
    again, as the list shows it: what the service saved). The body: TenantViewSet.body_of."""

    def row_data(self, row: models.Model) -> dict:
        return self.get_serializer(self.get_queryset().get(pk=row.pk)).data


class FormCreate(FormWrites):
    """POST: the body typed by `create_body`, then `create_row(data)` (the page's form judges
    it, the page's service makes the row); answered 201 with the row."""

    create_body: type[serializers.Serializer]

    def create(self, request, *args: Any, **kwargs: Any) -> Response:
        row = self.create_row(self.body_of(self.create_body))
        return Response(self.row_data(row), status=status.HTTP_201_CREATED)

    def create_row(self, data: dict) -> models.Model:
        raise NotImplementedError


class FormUpdate(FormWrites):
    """PUT and PATCH: the body typed by `update_body` (PATCH: over the row's `current(row)`
    values, the whole then judged), then `update_row(row, data)`; answered with the row."""

    update_body: type[serializers.Serializer]

    def update(self, request, *args: Any, partial: bool = False, **kwargs: Any) -> Response:
        row = self.get_object()  # another network's id: 404 before anything else
        sent = self.body_of(self.update_body, partial=partial)
        self.update_row(row, {**self.current(row), **sent} if partial else sent)
        return Response(self.row_data(row))

    def partial_update(self, request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    def current(self, row: models.Model) -> dict:
        raise NotImplementedError

    def update_row(self, row: models.Model, data: dict) -> None:
        raise NotImplementedError


class ServiceDestroy(mixins.DestroyModelMixin):
    """DELETE through the page's service (`delete_row(row)`, which audits it); 204."""

    def perform_destroy(self, instance: models.Model) -> None:
        self.delete_row(instance)

    def delete_row(self, row: models.Model) -> None:
        raise NotImplementedError


def emails(memberships) -> list[str]:
    """The email addresses of a company's members, sorted (the admin API's `users`)."""
    return sorted(m.user.email for m in memberships.all())


def user_email(field: str) -> serializers.EmailField:
    """The email of the user a row's `field` names (who decided, approved...), or null."""
    return serializers.EmailField(
        source=f"{field}.email", default=None, read_only=True, allow_null=True
    )
