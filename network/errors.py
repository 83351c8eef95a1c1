"""The one base class of the errors a service raises when it refuses a move (approve twice, pay
an unapproved run, a file it cannot read): the caller's mistake, not a fault. The API answers
them 400 with their message (network.api_policy); pages show the message. Each app subclasses
it in its services, so the API framework names no other app.
"""

from __future__ import annotations


class ServiceError(Exception):
    """A service refused the request; str(error) says why, in the user's language."""
