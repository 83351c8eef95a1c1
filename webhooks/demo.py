"""Demo postbacks for `seed_demo`: the approved demo publisher's global postback URL, so that the
postbacks page and its delivery log have something to show. A second run changes nothing."""

from __future__ import annotations

from network.demo import Demo
from network.models import Network
from publishers.demo import APPROVED
from publishers.models import Publisher
from webhooks.models import PostbackEndpoint


def seed(demo: Demo) -> None:
    """seed_demo's step (after the offers): the approved demo publisher's postback."""
    seed_postbacks(demo.network, Publisher.objects.get(network=demo.network, name=APPROVED))


def seed_postbacks(network: Network, approved: Publisher) -> None:
    PostbackEndpoint.objects.get_or_create(
        network=network,
        publisher=approved,
        offer=None,
        defaults={
            "url_template": "https://track.bluetraffic.example/pb?click={aff_click_id}"
            "&sub={aff_sub}&payout={payout}&status={status}"
        },
    )
