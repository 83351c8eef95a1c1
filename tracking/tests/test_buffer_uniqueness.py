"""Which click of a visitor is unique, now that the drainer decides it: the click whose SET of
the visitor's key came first (the key holds its id), whatever order the clicks reached the
buffer in; lines written by the old script pass as they are; a lost key makes one click of
the batch unique, not all of them."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from conftest import client_for
from tracking import buffer
from tracking.buffer import BUFFER_KEY
from tracking.drain import drain_once
from tracking.models import Click
from tracking.tests.helpers import emptied_buffer, needs_postgres, needs_redis

pytestmark = [
    needs_postgres("the drainer's COPY needs PostgreSQL"),
    needs_redis,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def conn(settings):
    yield from emptied_buffer(settings, patterns=("uniq:*",))


def clicks(network, world, count: int) -> list[str]:
    ids = []
    for _ in range(count):
        response = client_for(network).get(
            f"/aff_c?offer_id={world['offer'].pk}&aff_id={world['runner'].pk}",
            REMOTE_ADDR="198.51.100.9",
        )
        assert response.status_code == 302
        ids.append(response.cookies[f"tid_{world['offer'].pk}"].value)
    return ids


def uniqueness() -> dict[str, bool]:
    with scopes_disabled():
        return dict(Click.objects.values_list("pk", "is_unique"))


def test_the_click_that_set_the_key_first_is_unique_even_if_it_was_buffered_last(
    network, world, conn
):
    first, second = clicks(network, world, 2)
    items = conn.lrange(BUFFER_KEY, 0, -1)
    # Two web processes: the first click's SET ran first, but the second click's RPUSH won.
    conn.delete(BUFFER_KEY)
    conn.rpush(BUFFER_KEY, items[1], items[0])
    assert drain_once(100) == 2
    assert uniqueness() == {first: True, second: False}


def test_a_visitor_whose_key_was_lost_counts_once_per_batch_not_every_time(network, world, conn):
    first, second, third = clicks(network, world, 3)
    conn.delete(*conn.keys("uniq:*"))  # expired after 24 h in the buffer, or evicted
    assert drain_once(100) == 3
    assert uniqueness() == {first: True, second: False, third: False}


def test_lines_the_old_click_script_buffered_are_written_as_they_were(network, world, conn):
    (kept,) = clicks(network, world, 1)
    (item,) = conn.lrange(BUFFER_KEY, 0, -1)
    conn.delete(BUFFER_KEY)
    _key, _tab, line = item.partition(b"\t")
    # As the script before this change pushed them: "t" or "f" first, no key.
    old_unique = b"t\t" + line
    old_repeat = b"f\t" + line.replace(kept.encode(), b"0" * len(kept))
    conn.rpush(BUFFER_KEY, old_unique, old_repeat)
    assert drain_once(100) == 2
    assert uniqueness() == {kept: True, "0" * len(kept): False}


def test_the_click_path_tells_whether_it_set_the_key(network, world, conn):
    fields = {name: None for name in buffer.COLUMNS[1:]}
    uniq = "uniq:test:key"
    assert buffer._send(uniq, "a" * 32, buffer.encode({**fields, "id": "a" * 32})) is True
    assert buffer._send(uniq, "b" * 32, buffer.encode({**fields, "id": "b" * 32})) is False
    assert conn.get(uniq) == b"a" * 32
    assert conn.ttl(uniq) > buffer.UNIQUE_SECONDS - 60
