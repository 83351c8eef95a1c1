from conftest import client_for


def test_it_shows_the_owner_their_dashboard(network, owner):
    response = client_for(network, owner).get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/manage/"
    assert b"Alpha Network" in response.content
