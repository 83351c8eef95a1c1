"""The endpoint form: an http(s) URL we are allowed to call, and the events it receives."""

from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lib import safehttp
from webhooks.models import SUBSCRIBABLE


def validate_webhook_url(value: str) -> None:
    """http(s), a host, no credentials, and not an address lib.safehttp refuses to call
    (loopback, private, link-local... unless OUTBOUND_ALLOWED_NETWORKS allows it). A name
    that does not resolve today is accepted: every call checks the address again."""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  (raises ValueError for a port out of range)
    except ValueError as exc:
        raise ValidationError(gettext("Not a valid URL: %(error)s.") % {"error": exc}) from None
    if parts.scheme not in ("http", "https"):
        raise ValidationError(gettext("Use an http:// or https:// URL."))
    if not parts.hostname:
        raise ValidationError(gettext("The URL needs a host name, like https://shop.example/page."))
    if parts.username is not None or parts.password is not None:
        raise ValidationError(gettext("Do not put a user name or password in the URL."))
    if any(ch.isspace() for ch in value):
        raise ValidationError(gettext("A URL cannot contain spaces."))
    try:
        safehttp.check_url(value)
    except safehttp.Refused as exc:
        raise ValidationError(
            gettext("We cannot send webhooks to this URL: %(reason)s.") % {"reason": exc}
        ) from None
    except (OSError, ValueError, UnicodeError):
        pass


class EndpointForm(forms.Form):
    url = forms.CharField(
        label=_("URL"),
        max_length=2000,
        validators=[validate_webhook_url],
        widget=forms.URLInput(
            attrs={"placeholder": "https://crm.example/hooks/affiliate", "spellcheck": "false"}
        ),
        help_text=_("An http:// or https:// URL of your own system; we POST JSON to it."),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=SUBSCRIBABLE,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The endpoint receives only the events ticked here."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def clean_url(self) -> str:
        return self.cleaned_data["url"].strip()
