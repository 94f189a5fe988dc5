import pytest


@pytest.fixture(autouse=True)
def _pages_in_english(client):
    """The pages' texts are asserted in English: the browser asks for English (the default is Vietnamese)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
