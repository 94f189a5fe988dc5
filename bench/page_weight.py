"""Page weight over the wire: what a cold and a warm (cached) load of a page cost in bytes and requests.

Run against a server that serves collected static files, as production does, e.g.:

    STATIC_ROOT=/tmp/static .venv/bin/python manage.py collectstatic --noinput
    STATIC_ROOT=/tmp/static WHITENOISE_USE_FINDERS=0 .venv/bin/gunicorn config.wsgi -b 127.0.0.1:8731 &
    .venv/bin/python -m bench.page_weight http://127.0.0.1:8731 chihoi.dongdaison /cong-viec/hop-viec/ /ho-so/

A user name of `-` loads public pages without signing in (`-m bench.page_weight URL - /tra-cuu/`). The user
logs in through HTTP requests that leave the browser's cache empty; each path is then loaded twice
in the same browser (Debian's chromium): cold, then warm. Bytes are Chromium's encoded (compressed) body
plus header lengths for every response that reached the network.
"""

import re
import sys
from collections import defaultdict

CHROMIUM = "/usr/bin/chromium"


def _login(context, base: str, username: str, password: str) -> None:
    form = context.request.get(f"{base}/dang-nhap/").text()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = context.request.post(
        f"{base}/dang-nhap/",
        form={"csrfmiddlewaretoken": token, "username": username, "password": password},
        headers={"Referer": f"{base}/dang-nhap/"},
        max_redirects=0,
    )
    if response.status != 302:
        raise SystemExit(f"login as {username} failed ({response.status})")


def _load(page, cdp, url: str) -> dict:
    sent: dict[str, str] = {}
    size: dict[str, int] = defaultdict(int)
    cached: set[str] = set()

    def will_send(event):
        sent[event["requestId"]] = event["request"]["url"]

    def finished(event):
        size[event["requestId"]] += int(event["encodedDataLength"])

    def from_cache(event):
        cached.add(event["requestId"])

    def response(event):
        if event["response"].get("fromDiskCache") or event["response"].get("fromPrefetchCache"):
            cached.add(event["requestId"])

    handlers = {
        "Network.requestWillBeSent": will_send,
        "Network.loadingFinished": finished,
        "Network.requestServedFromCache": from_cache,
        "Network.responseReceived": response,
    }
    for name, handler in handlers.items():
        cdp.on(name, handler)
    page.goto(url, wait_until="load")
    page.wait_for_timeout(500)  # late requests (fonts) settle
    for name, handler in handlers.items():
        cdp.remove_listener(name, handler)
    network = [rid for rid in sent if rid not in cached]
    by_url = sorted(((size[rid], sent[rid]) for rid in network), reverse=True)
    return {
        "requests": len(network),
        "from_cache": len(cached & set(sent)),
        "bytes": sum(s for s, _ in by_url),
        "largest": by_url[:8],
    }


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print(__doc__)
        return 2
    base, username, *paths = argv
    password = "hoctap2026"  # noqa: S105 - the demo's shared password
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        for path in paths:
            context = browser.new_context(locale="vi-VN")
            if username != "-":
                _login(context, base, username, password)
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            for run in ("cold", "warm"):
                result = _load(page, cdp, base + path)
                print(
                    f"{path} {run}: {result['requests']} requests over the network "
                    f"({result['from_cache']} from cache), {result['bytes'] / 1024:.1f} KiB transferred"
                )
                for nbytes, url in result["largest"]:
                    print(f"    {nbytes / 1024:8.1f} KiB  {url.removeprefix(base)}")
            context.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
