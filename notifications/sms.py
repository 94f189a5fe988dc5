"""How a text reaches a household's phone (sign-in codes, notices): one interface, a channel per way
(settings.PUBLIC_SIGN_IN["CHANNEL"]).

The embedded default writes the message to the console; production posts it to an HTTP SMS gateway. Another
channel (Zalo, a telecom's API) is a class with the same `send`.
"""

import json
import sys
import urllib.error
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string


class DeliveryFailed(Exception):
    """The channel could not take the message."""


class ConsoleChannel:
    """Writes the message where the server's console shows it (the embedded default, for trying the site)."""

    def send(self, phone: str, text: str) -> None:
        sys.stdout.write(f"[SMS to {phone}] {text}\n")
        sys.stdout.flush()


class HttpSmsChannel:
    """POSTs {"to": phone, "text": text} as JSON to SMS_URL with `Authorization: Bearer SMS_TOKEN`; any answer
    other than 2xx, or none within the timeout, is a failure."""

    def __init__(self, url: str | None = None, token: str | None = None, timeout: float = 5.0):
        options = settings.PUBLIC_SIGN_IN
        self.url = url or options["SMS_URL"]
        self.token = token if token is not None else options["SMS_TOKEN"]
        self.timeout = timeout
        if not self.url.startswith(("https://", "http://")):
            raise DeliveryFailed("SMS_URL is not an http(s) address")

    def send(self, phone: str, text: str) -> None:
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked in __init__
            self.url,
            data=json.dumps({"to": phone, "text": text}).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                if not 200 <= response.status < 300:
                    raise DeliveryFailed(f"gateway answered {response.status}")
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise DeliveryFailed(str(exc)) from exc


def channel():
    return import_string(settings.PUBLIC_SIGN_IN["CHANNEL"])()
