"""Domain events: how a lower layer tells a higher one that something happened.

The apps are layers (lib < network < audit < advertisers, publishers < offers < tracking <
payouts < reports < webhooks) and a lower one never imports a higher one. So the service that made a
change says what happened, `events.emit("conversion.status_changed", network_id=..., source=
conversion, ...)`, and whichever higher app cares has subscribed to that name when Django
started (its AppConfig.ready imports its handlers, decorated with `@events.subscribe(...)`).

Handlers run at once, in the emitter's process and transaction: what they write commits or
rolls back with the change (a webhook delivery row, say). A handler that must not cost the
emitter its change catches its own errors, as webhooks.events does. Keep business rules out
of handlers: they react to a change, they do not decide one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

Handler = Callable[..., object]
EVERY_EVENT = "*"

_handlers: dict[str, list[Handler]] = defaultdict(list)


def subscribe(*names: str) -> Callable[[Handler], Handler]:
    """Registers the decorated handler for the named events (EVERY_EVENT: all of them). It is
    called as handler(name, network_id=..., source=..., **context)."""

    def register(handler: Handler) -> Handler:
        for name in names or (EVERY_EVENT,):
            if handler not in _handlers[name]:
                _handlers[name].append(handler)
        return handler

    return register


def emit(name: str, *, network_id: int, source: object = None, **context: object) -> None:
    """Tells every subscriber of `name` (and of every event) that it happened."""
    for handler in (*_handlers.get(name, ()), *_handlers.get(EVERY_EVENT, ())):
        handler(name, network_id=network_id, source=source, **context)


def subscribers(name: str) -> tuple[Handler, ...]:
    """Who listens to `name` (tests and the docs' event list)."""
    return (*_handlers.get(name, ()), *_handlers.get(EVERY_EVENT, ()))
