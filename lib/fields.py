"""Model field factories: the field declarations that many models repeat, declared once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models


def optional_fk(
    to: type[models.Model] | str,
    on_delete: Callable[..., None],
    *,
    related_name: str = "+",
    **options: Any,
) -> models.ForeignKey:
    """A foreign key that may be empty (NULL in the database, blank in forms), not followed
    back from the other side unless `related_name` names the way."""
    return models.ForeignKey(
        to, null=True, blank=True, on_delete=on_delete, related_name=related_name, **options
    )
