"""No input gives a 500: every page URL pattern of the site (the admin and the API have their own tests),
filled with generated hostile values in its path, its query string and its form fields, answers below 500
for every role that works in it.

The values are the classes that broke pages before: digits of other scripts, superscripts, integers past
any column, empty, very long, markup, control characters and wrong types (a list where one value is read).
"""

import itertools
import random

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter, SlugConverter, StringConverter

from tests.workflows.walk import open_case

HOSTILE_TEXT = [
    "١٢٣",  # Arabic-Indic digits: str.isdigit() is true
    "²",  # superscript two: isdigit() true, int() fails
    "９９",  # full-width digits
    "9" * 40,  # past any integer column
    "",
    "x" * 5000,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "\x00\x1f",
    "-1",
    "1e309",
    "2026-13-45",
    "31/02/2026",
    "NaN",
]
HUGE_INTS = ["0", str(2**63), "9" * 40]
# the query and form fields the pages read (filters, pagination, ids, dates, choices)
FIELDS = [
    "page",
    "year",
    "unit",
    "q",
    "case",
    "task",
    "as_of",
    "date_from",
    "date_to",
    "state",
    "title",
    "kind",
    "event_type",
    "reference",
    "village",
    "entry",
    "open_task",
    "to_user",
    "batch",
    "outcome",
    "sort",
    "format",
    "seed",
    "share",
    "minimum",
    "language",
]
ROLES = ["officer_a1", "head_a1", "chair_a", "commune_officer_a", "supervisor_a", "auditor", "inspector"]
SKIP = ("admin:", "api:", "set_language", "logout", "javascript-catalog")


def page_patterns():
    """(name, converters) of every named page URL pattern outside the admin and the API."""
    found = []

    def walk(resolver, prefix, namespace):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry, prefix + [entry.pattern], ns)
            elif isinstance(entry, URLPattern) and entry.name:
                name = f"{namespace}{entry.name}"
                if not name.startswith(SKIP):
                    converters = {}
                    for part in [*prefix, entry.pattern]:
                        converters.update(getattr(part, "converters", {}))
                    found.append((name, converters))

    walk(get_resolver(), [], "")
    return sorted(set((n, tuple(sorted(c.items(), key=lambda kv: kv[0]))) for n, c in found))


def path_values(converters) -> list[dict]:
    """Hostile path arguments the URL's converters let through to the view."""
    if not converters:
        return [{}]
    options = []
    for name, converter in converters:
        if isinstance(converter, IntConverter):
            options.append([(name, v) for v in HUGE_INTS])
        elif isinstance(converter, SlugConverter):
            options.append([(name, v) for v in ("x", "a" * 300, "csv")])
        elif isinstance(converter, StringConverter):
            options.append([(name, v) for v in ("xlsx", "١٢٣", "²", "x" * 300, "9" * 40)])
        else:
            options.append([(name, "1")])
    return [dict(combo) for combo in itertools.product(*options)][:12]


def build_url(name, kwargs):
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


PATTERNS = page_patterns()


def test_the_site_has_pages_to_check():
    assert len(PATTERNS) > 30


@pytest.mark.parametrize(("name", "converters"), PATTERNS, ids=[p[0] for p in PATTERNS])
def test_no_page_answers_500_to_hostile_input(client, world, name, converters):
    open_case(world)  # some data behind the pages
    client.raise_request_exception = False
    rng = random.Random(name)  # generated, but the same on every run
    variants = path_values(converters)
    failures = []
    for kwargs in rng.sample(variants, min(len(variants), 4)):
        url = build_url(name, kwargs)
        if url is None:
            continue
        client.force_login(world.user(rng.choice(ROLES)))
        for value in rng.sample(HOSTILE_TEXT, 2):
            params = {field: value for field in FIELDS}
            params["case"] = [value, rng.choice(HOSTILE_TEXT)]  # a list where one value is expected
            for method in (client.get, client.post):
                response = method(url, params)
                if response.status_code >= 500:
                    failures.append((method.__name__, url[:80], repr(value)[:30]))
    assert not failures, failures
