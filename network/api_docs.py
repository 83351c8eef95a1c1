"""What the API modules share to describe themselves: the answers every operation may give,
examples, and filters whose bounds are written into the schema (the scoped managers cannot be
introspected outside a request, so id filters are plain numbers). A FilterSet of the API
declares each of its filters and needs no Meta: the rows it filters are the view's."""

from __future__ import annotations

import django_filters.rest_framework as filters
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework.fields import empty

from network.api_base import ADMINS, ErrorSerializer

MAX_ID = 2**63 - 1
ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


# The actions of a viewset that reads rows, and of one that edits them too.
READ = ("list", "retrieve")
EDIT = ("create", "update", "partial_update")


def roles_of(roles: tuple[str, ...], *actions: str) -> dict[str, tuple[str, ...]]:
    """A viewset's `roles`: each of `actions` open to `roles`."""
    return dict.fromkeys(actions, roles)


def admin_roles(*actions: str) -> dict[str, tuple[str, ...]]:
    """Owners and managers alike: every admin page of the portal is open to both."""
    return roles_of(ADMINS, *actions)


def answers(ok, code: int = 200, more: dict | None = None) -> dict:
    """The success answer `ok` with its code, and the error answers every operation has."""
    return {code: ok, **ERRORS, **(more or {})}


def example(name: str, value, *, request: bool = False) -> OpenApiExample:
    return OpenApiExample(name, value=value, request_only=request, response_only=not request)


# Each operation of a viewset described in one call (for @extend_schema_view), so that a
# viewset's schema reads as its words and examples: `listed` (a page of rows), `shown` (one
# row), `written` (a write that answers the row), `pressed` (a POST without a body), `removed`
# (a DELETE).


def listed(
    summary: str,
    description: str,
    row: type,
    tags: list[str],
    *,
    named: tuple[str, object] | None = None,
    parameters: list | None = None,
):
    """A page of rows; `named`: its own example (left out: the detail route's, see
    complete_docs); `parameters`: query parameters the filter cannot describe itself."""
    return extend_schema(
        summary=summary,
        description=description,
        parameters=parameters,
        responses=answers(row(many=True)),
        examples=[example(*named)] if named else None,
        tags=tags,
    )


def shown(summary: str, row, named: tuple[str, object], tags: list[str], description: str = ""):
    """One row, with an example (`named`: its name and value)."""
    return extend_schema(
        summary=summary,
        description=description or None,
        responses=answers(row),
        examples=[example(*named)],
        tags=tags,
    )


def written(
    summary: str,
    description: str,
    row,
    tags: list[str],
    *,
    sent: tuple[str, object],
    answer: tuple[str, object],
    body=empty,
    code: int = 200,
):
    """A write answered with `row` (`code`); `body`: its request serializer (left out: the
    viewset's own); `sent` and `answer`: the examples of the request and of the answer."""
    return extend_schema(
        summary=summary,
        description=description,
        request=body,
        responses=answers(row, code),
        examples=[example(*sent, request=True), example(*answer)],
        tags=tags,
    )


def pressed(summary: str, description: str, row, named: tuple[str, object], tags: list[str]):
    """A POST without a body, as a page's button (approve, revoke, rotate...), answered with
    `row` (`named`: its example)."""
    return extend_schema(
        summary=summary,
        description=description,
        request=None,
        responses=answers(row),
        examples=[example(*named)],
        tags=tags,
    )


def removed(summary: str, description: str, tags: list[str]):
    """A DELETE, answered 204."""
    return extend_schema(
        summary=summary, description=description, responses={204: None, **ERRORS}, tags=tags
    )


def documented(filter_: filters.Filter, **schema) -> filters.Filter:
    """The filter, with the bounds its form field checks written into the schema (a value
    out of them answers 400)."""
    return extend_schema_field(schema)(filter_)


def id_filter(field_name: str, description: str = "") -> filters.Filter:
    """An id; one that names no row the caller may see finds nothing."""
    return documented(
        filters.NumberFilter(field_name=field_name, min_value=1, max_value=MAX_ID),
        type="integer",
        minimum=1,
        maximum=MAX_ID,
        **({"description": description} if description else {}),
    )


def text_filter(field_name: str, max_length: int, **kwargs) -> filters.Filter:
    return documented(
        filters.CharFilter(field_name=field_name, max_length=max_length, **kwargs),
        type="string",
        maxLength=max_length,
    )


RETRIEVE_DESCRIPTION = (
    "One row by its id, with the same fields as in the list. An id you may not see (another "
    "company's, or another network's) answers 404."
)


def complete_docs(result: dict, generator, request, public) -> dict:
    """A schema hook (SPECTACULAR_SETTINGS): a list's example is a page holding its detail
    route's example, and a detail read without its own words gets the rule every one of them
    follows. Each endpoint still writes its summary and examples itself."""
    paths = result.get("paths", {})
    for path, item in paths.items():
        read = item.get("get")
        if read is None:
            continue
        if "{" in path.rsplit("/", 2)[-2] and not read.get("description"):
            read["description"] = RETRIEVE_DESCRIPTION
        page = read.get("responses", {}).get("200", {}).get("content", {}).get("application/json")
        if page and "examples" not in page and "Paginated" in page["schema"].get("$ref", ""):
            item_examples = _detail_examples(paths.get(path + "{id}/", {}))
            if item_examples:
                page["examples"] = {
                    name: {**ex, "value": _page_of(ex["value"])} for name, ex in item_examples
                }
    return result


def _detail_examples(detail: dict) -> list[tuple[str, dict]]:
    media = detail.get("get", {}).get("responses", {}).get("200", {}).get("content", {})
    return list(media.get("application/json", {}).get("examples", {}).items())


def _page_of(row) -> dict:
    return {"next": None, "previous": None, "results": [row]}
