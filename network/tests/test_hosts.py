"""Host resolution: the Host header picks the network, and never another tenant's data."""

from __future__ import annotations

import pytest
from django_scopes import ScopeError, scope, scopes_disabled

from conftest import client_for
from network.models import Domain, Network
from publishers.models import Publisher


@pytest.fixture
def custom_domain(network):
    with scopes_disabled():
        return Domain.objects.create(network=network, hostname="Partners.Alpha-Ads.COM")


def test_it_serves_a_network_on_its_subdomain(network):
    response = client_for(network).get("/")
    assert response.status_code == 200
    assert response.context["network"] == network


def test_it_serves_a_network_on_its_custom_domain(network, custom_domain):
    response = client_for(None).get("/", HTTP_HOST="partners.alpha-ads.com:8000")
    assert response.status_code == 200
    assert response.context["network"] == network


def test_it_answers_404_to_unknown_hosts(db):
    for host in ["nobody.localhost", "evil.example", "a.b.localhost", "localhost.evil.example"]:
        assert client_for(None).get("/", HTTP_HOST=host).status_code == 404, host


def test_it_serves_the_platform_pages_on_the_bare_domain(db):
    response = client_for(None).get("/")
    assert response.status_code == 200
    assert response.context["network"] is None
    assert b"Run your affiliate network" in response.content


def test_it_stops_serving_a_suspended_network(network):
    assert client_for(network).get("/").status_code == 200
    network.status = Network.Status.SUSPENDED
    network.save()
    assert client_for(network).get("/").status_code == 404


def test_it_forgets_a_moved_custom_domain(network, other_network, custom_domain):
    client = client_for(None)
    assert client.get("/", HTTP_HOST="partners.alpha-ads.com").context["network"] == network
    with scopes_disabled():
        custom_domain.network = other_network
        custom_domain.save()
    assert client.get("/", HTTP_HOST="partners.alpha-ads.com").context["network"] == other_network


def test_it_ignores_forwarded_host_headers(network, other_network, owner):
    response = client_for(network, owner).get(
        "/manage/", HTTP_X_FORWARDED_HOST=other_network.portal_host
    )
    assert response.status_code == 200
    assert response.context["network"] == network


def test_it_never_shows_a_network_to_a_member_of_another(network, other_network, owner):
    with scopes_disabled():
        Publisher.objects.create(
            network=other_network,
            name="Beta Secret Media",
            website="https://b.example",
            country="FR",
        )
    client = client_for(other_network, owner)
    for path in ["/", "/manage/", "/manage/publishers/", "/manage/members/"]:
        response = client.get(path, follow=True)
        assert b"Beta Secret Media" not in response.content, path
    assert client.get("/manage/publishers/").status_code == 404


def test_it_refuses_tenant_queries_outside_a_scope(network):
    with pytest.raises(ScopeError):
        list(Publisher.objects.all())


def test_every_tenant_model_is_scoped(network):
    from django.apps import apps

    tenant_models = [m for m in apps.get_models() if "network" in {f.name for f in m._meta.fields}]
    assert len(tenant_models) >= 6
    for model in tenant_models:
        with pytest.raises(ScopeError):
            model.objects.filter(pk=1).exists()


def test_a_scope_sees_only_its_own_network(network, other_network):
    with scopes_disabled():
        for net in (network, other_network):
            Publisher.objects.create(
                network=net, name=f"P {net.slug}", website="https://x.example", country="US"
            )
    with scope(network=network):
        assert [p.name for p in Publisher.objects.all()] == ["P alpha"]


def test_it_stops_serving_a_suspended_networks_custom_domain(network, custom_domain):
    client = client_for(None)
    assert client.get("/", HTTP_HOST="partners.alpha-ads.com").status_code == 200
    network.status = Network.Status.SUSPENDED
    network.save()
    assert client.get("/", HTTP_HOST="partners.alpha-ads.com").status_code == 404
