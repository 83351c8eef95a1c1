"""Landing-page URL macros, in the HasOffers/TUNE spelling that integrations already use."""

from __future__ import annotations

import contextlib
import functools
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
    parts = _parts(template, known)
    out = [parts[0]]
    for index in range(1, len(parts), 2):
        out.append(quote(str(values.get(parts[index], "") or ""), safe=""))
        out.append(parts[index + 1])
    return "".join(out)


@functools.lru_cache(maxsize=4096)
def _parts(template: str, known: tuple[str, ...]) -> tuple[str, ...]:
    """The template, as its ASCII URI, cut once into text, macro name, text, ...: a click
    fills the same few templates again and again, and the values it fills in are
    percent-encoded already. Unknown {names} stay as they are, in the text."""
    # A host no validation let in (ValueError) is left for the caller's checks to refuse.
    with contextlib.suppress(ValueError):
        template = iri_to_uri(template)
    pieces = MACRO_PATTERN.split(template)
    parts = [pieces[0]]
    for index in range(1, len(pieces), 2):
        name, text = pieces[index], pieces[index + 1]
        if name in known:
            parts += [name, text]
        else:
            parts[-1] += "{" + name + "}" + text
    return tuple(parts)
