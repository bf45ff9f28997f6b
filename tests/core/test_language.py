"""Dutch first: English only when the visitor chooses it."""


def test_pages_are_dutch_even_when_the_browser_asks_for_english(client, db):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "nl"
    assert '<html lang="nl"' in response.content.decode()


def test_the_language_switch_choice_counts(client, db):
    client.cookies["django_language"] = "en"
    response = client.get("/")
    assert response["Content-Language"] == "en"


def test_a_public_page_that_sets_a_csrf_cookie_is_not_shared_cacheable(client, db):
    response = client.get("/verwerkingsregister")
    assert "csrftoken" in response.cookies
    assert "public" not in response.get("Cache-Control", "")
