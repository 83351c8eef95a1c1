"""The OpenAPI schema: valid, generated without a warning, and every operation described for
a reader: a summary, a description and an example of what it answers (and of what it takes,
when it takes a body). The docs page serves its assets from our static files."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from network.tests.api import api_client

pytestmark = pytest.mark.django_db
METHODS = ("get", "post", "put", "patch", "delete")


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                yield f"{method.upper()} {path}", item[method]


def has_examples(part: dict | None) -> bool:
    return any("examples" in media or "example" in media for media in (part or {}).values())


def test_the_schema_is_valid_and_generates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s"))
    assert (tmp_path / "s").read_text().startswith("openapi: 3")


def numbers_in(node, where: str = "") -> list[str]:
    """Where a schema declares a JSON number (an amount would lose its exact digits there)."""
    found = []
    if isinstance(node, dict):
        kinds = node.get("type")
        if kinds == "number" or (isinstance(kinds, list) and "number" in kinds):
            found.append(where)
        for key, value in node.items():
            found += numbers_in(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += numbers_in(value, f"{where}/{index}")
    return found


def test_every_amount_is_declared_a_decimal_string(network):
    # Amounts are sent as strings ("12.50"): a field declared a number did not match them.
    schema = api_client(network).get("/api/schema/", {"format": "json"}).json()
    assert not numbers_in(schema["components"]["schemas"], "#/components/schemas")
    amount = schema["components"]["schemas"]["PublisherConversion"]["properties"]["payout"]
    assert amount["type"] == "string" and amount["format"] == "decimal"


def test_every_operation_is_described_with_examples(network):
    schema = api_client(network).get("/api/schema/", {"format": "json"}).json()
    missing = []
    for name, operation in operations(schema):
        if not operation.get("summary") or not operation.get("description"):
            missing.append(f"{name}: summary/description")
        body = operation.get("requestBody", {}).get("content")
        if body and not has_examples(body):
            missing.append(f"{name}: request example")
        answers = operation.get("responses", {})
        success = next((answers[c] for c in sorted(answers) if c.startswith("2")), {})
        if "content" in success and not has_examples(success["content"]):
            missing.append(f"{name}: response example")
    assert not missing, missing


def test_the_docs_page_loads_swagger_ui_from_our_static_files(network):
    page = api_client(network).get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower() and "<style>" not in page
