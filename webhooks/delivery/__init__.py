"""The one outbound-delivery module: every call the portal makes to a URL a user typed.

Two kinds go through it, each a thin adapter:

- publisher postbacks (`webhooks.delivery.postback`): the publisher's URL with its macros filled
  from the conversion, called with a GET;
- webhooks (`webhooks.delivery.webhook`): the event's JSON POSTed to a network's endpoint,
  signed with the endpoint's secret.

What they share (`webhooks.delivery.engine`): a delivery row that is its own outbox, claimed
before each call so nothing is called twice; one log row per call; the SSRF-safe client
(lib.safehttp); one retry schedule with exponential backoff; the endpoint's failure count, and
the failure that makes MAX_CONSECUTIVE_FAILURES in a row turns the endpoint off, audited, with
an email; and the beat job that sends whatever is due, of both kinds. The models' shared shape
is `webhooks.delivery.base`.
"""
