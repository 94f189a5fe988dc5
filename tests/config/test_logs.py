"""Logs: one JSON object a line with the request id and the user, secrets never written, and a quiet console
(WeasyPrint's and fontTools' layout chatter off)."""

import io
import json
import logging

import pytest
from django.conf import settings
from django.urls import reverse

from audit.context import RequestMeta, reset_request_meta, set_request_meta
from config import logs


@pytest.fixture
def captured():
    """A logger writing through the same filters and formatter as the production console handler."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(logs.ContextFilter())
    handler.addFilter(logs.RedactSecretsFilter())
    handler.setFormatter(logs.JsonFormatter())
    logger = logging.getLogger("tests.logs")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)


def lines(stream) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_each_record_is_one_json_line_with_request_id_and_user(captured):
    logger, stream = captured
    token = set_request_meta(RequestMeta(request_id="0123456789abcdef", ip="10.0.0.1"))
    user_token = logs._user.set("officer_a1")
    try:
        logger.info("case %s moved\nto the next step", "GDHT-1", extra={"case_id": 7})
    finally:
        logs._user.reset(user_token)
        reset_request_meta(token)
    (entry,) = lines(stream)
    assert entry["message"] == "case GDHT-1 moved\nto the next step"
    assert (entry["request_id"], entry["user"], entry["level"], entry["case_id"]) == (
        "0123456789abcdef",
        "officer_a1",
        "INFO",
        7,
    )


SECRETS = ["hunter2-Secret", "tok_9f8e7d6c5b4a", "493817", "s3cr3t-Cookie"]


def test_passwords_tokens_and_codes_are_never_written(captured):
    logger, stream = captured
    logger.info("login with password=%s", SECRETS[0])
    logger.warning("request %s", {"token": SECRETS[1], "username": "officer_a1"})
    logger.info("code sent", extra={"one_time_code": SECRETS[2], "channel": "sms"})
    logger.info("headers: Authorization: Bearer %s; Cookie: sessionid=%s", SECRETS[1], SECRETS[3])
    logger.info('{"otp": "%s", "activation_code": "%s"}', SECRETS[2], SECRETS[2])
    try:
        raise ValueError(f"password={SECRETS[0]}")
    except ValueError:
        logger.exception("failed")
    text = stream.getvalue()
    for secret in SECRETS:
        assert secret not in text
    entries = lines(stream)
    assert len(entries) == 6
    assert "officer_a1" in entries[1]["message"] and entries[2]["channel"] == "sms"
    assert logs.REDACTED in entries[0]["message"]


def test_the_console_handler_uses_the_filters_and_the_chosen_format():
    handler = settings.LOGGING["handlers"]["console"]
    assert handler["filters"] == ["context", "redact"]
    assert handler["formatter"] == settings.LOG_FORMAT


def test_weasyprint_and_fonttools_are_quiet():
    for name in ("weasyprint", "fontTools", "fontTools.subset"):
        assert not logging.getLogger(name).isEnabledFor(logging.INFO)
    assert logging.getLogger("weasyprint").isEnabledFor(logging.WARNING)


def test_a_request_logs_its_user(client, world, caplog):
    client.force_login(world.user("officer_a1"))
    handler_filter = logs.ContextFilter()
    seen = []

    class Spy(logging.Handler):
        def emit(self, record):
            handler_filter.filter(record)
            seen.append((record.request_id, record.user))

    spy = Spy()
    logging.getLogger("django.request").addHandler(spy)
    try:
        response = client.get(reverse("cases:detail", args=[10**9]))
    finally:
        logging.getLogger("django.request").removeHandler(spy)
    assert response.status_code == 404
    assert seen and seen[0] == (response["X-Request-ID"], "officer_a1")
