"""Landing-page URL macros, in the HasOffers/TUNE spelling that integrations already use."""

from __future__ import annotations

import re
from urllib.parse import quote

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lib.urls import iri_to_uri, validate_http_url

MACROS = (
    "transaction_id", "offer_id", "affiliate_id", "aff_sub", "aff_sub2", "aff_sub3",
    "aff_sub4", "aff_sub5", "source", "aff_click_id", "offer_url_id", "file_id", "goal_id",
)  # fmt: skip
MACRO_PATTERN = re.compile(r"\{([^{}]*)\}")


def check_macros(template: str, known: tuple[str, ...] = MACROS) -> str:
    """Refuse unknown {macros}, naming them; return the template with each macro replaced by
    a harmless value, so that the URL around them can be checked."""
    unknown = [name for name in MACRO_PATTERN.findall(template) if name not in known]
    if unknown:
        names = ", ".join("{" + name + "}" for name in dict.fromkeys(unknown))
        raise ValidationError(
            _("Unknown macro %(names)s. Known macros: %(known)s")
            % {"names": names, "known": ", ".join("{" + m + "}" for m in known)}
        )
    return MACRO_PATTERN.sub("x", template)


def validate_url_template(template: str) -> None:
    """An http(s) URL with a host, whose {macros} are all known landing-page ones."""
    validate_http_url(check_macros(template))


def fill(template: str, values: dict[str, object], known: tuple[str, ...] = MACROS) -> str:
    """Replace each known macro by its URL-encoded value (empty when not given). A template
    written with non-ASCII (`https://shop.example/giày`) comes out as its ASCII URI, the form
    a Location header or an HTTP request line can carry."""

    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name not in known:
            return match.group(0)
        return quote(str(values.get(name, "") or ""), safe="")

    filled = MACRO_PATTERN.sub(replace, template)
    try:
        return iri_to_uri(filled)
    except ValueError:  # a host no validation let in: left for the caller's checks to refuse
        return filled
