"""The REST API's scenarios: a commune supervisor's first page of cases (p95), and steps claimed and completed
(steps/s), each request with a token. With `server=True` (the bench's run) the requests go to gunicorn on the
bench database, over one keep-alive connection; the smoke test passes `server=False` and uses the test client
(its data lives in a transaction another process cannot see)."""

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from django.db import connection
from django.test import Client
from django.urls import reverse

from api.services import issue_token
from cases.models import Case
from registry.models import Role

from .generate import BenchWorld
from .province import STEPS
from .scenarios import NEXT_STATE, QueryCounter, _no_debug, _StepWork, percentile, scenario

ROOT = Path(__file__).resolve().parent.parent


class _InProcess:
    """The test client, speaking as a token."""

    def __init__(self):
        self.client = Client()

    def request(self, method: str, url: str, token: str, body: dict | None = None) -> tuple[int, bytes]:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        if method == "GET":
            response = self.client.get(url, **headers)
        else:
            response = self.client.post(
                url, json.dumps(body or {}), content_type="application/json", **headers
            )
        return response.status_code, response.content


class _Server:
    """One keep-alive HTTP connection to gunicorn."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, url: str, token: str, body: dict | None = None) -> tuple[int, bytes]:
        headers = {"Authorization": f"Bearer {token}", "Connection": "keep-alive"}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.conn.request(method, url, body=payload, headers=headers)
        response = self.conn.getresponse()
        return response.status, response.read()


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor != "postgresql":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def _transport(server: bool):
    if not server:
        yield _InProcess()
        return
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": _database_url(), "DEBUG": "0"}
    cmd = [
        str(Path(sys.executable).with_name("gunicorn")),
        "config.wsgi",
        f"--bind=127.0.0.1:{port}",
        "--workers=1",
        "--keep-alive=30",
        "--log-level=warning",
    ]
    process = subprocess.Popen(cmd, cwd=ROOT, env=env)  # noqa: S603 - our own gunicorn, fixed arguments
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield _Server(port)
    finally:
        process.terminate()
        process.wait(timeout=30)


def _token(user) -> str:
    return issue_token(user, name="bench", actor=None)[1]


@scenario("api_case_list")
def api_case_list(
    world: BenchWorld,
    *,
    warmups: int = 5,
    requests: int = 30,
    server: bool = True,
    log: Callable[[str], None] | None = print,
) -> dict:
    """First page of a commune supervisor's cases through GET /api/cases/ (as case_list_scoped)."""
    log = log or (lambda _msg: None)
    commune = world.communes[0]
    token = _token(world.user(Role.SUPERVISOR, commune))
    url = reverse("api:cases")
    times: list[float] = []
    with _transport(server) as http_:
        for n in range(warmups + requests):
            t0 = time.perf_counter()
            status, body = http_.request("GET", url, token)
            dt = time.perf_counter() - t0
            if status != 200:
                raise AssertionError(f"{url} answered {status}: {body[:200]!r}")
            if n >= warmups:
                times.append(dt * 1000)
    shown = len(json.loads(body)["results"])
    log(f"    {commune.code}: {shown} cases a page, through {'gunicorn' if server else 'the test client'}")
    return {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(percentile(times, 95), 1)}


def _payload(work: _StepWork, step: str) -> dict:
    if step == "score":
        return {
            "items": [
                {"item": i.pk, **({"points": str(i.max_points)} if i.is_points else {"passed": True})}
                for i in work.items
            ]
        }
    return {
        "collect": {},
        "review": {"proposed": True, "reason": ""},
        "decide": {"recognised": True, "reason": "", "signer_name": "Chủ tịch UBND xã"},
        "audit": {"note": ""},
    }[step]


@scenario("api_complete_step")
def api_complete_step(
    world: BenchWorld,
    *,
    per_step: int = 20,
    warmup: int = 1,
    server: bool = True,
    log: Callable[[str], None] | None = print,
) -> dict:
    """Claim (POST /api/queue/claim/) and complete (POST /api/tasks/<id>/<step>/<outcome>/) steps of
    generated cases, each by the role user of the case's unit with a token; timed: the two POSTs."""
    log = log or (lambda _msg: None)
    work = _StepWork(world, per_step + warmup, only_new=True)
    tokens: dict[int, str] = {}
    for _n, _step, task in work.rounds():
        actor = work.actor(task)
        if actor.pk not in tokens:
            tokens[actor.pk] = _token(actor)
    claim_url = reverse("api:claim")
    elapsed: dict[str, float] = defaultdict(float)
    done: dict[str, int] = defaultdict(int)
    counter = QueryCounter()
    with _no_debug(), connection.execute_wrapper(counter), _transport(server) as http_:
        for n, step, task in work.rounds():
            token = tokens[work.actor(task).pk]
            url = reverse(f"api:step_{step}_{work.OUTCOME[step]}", args=[task.pk])
            t0 = time.perf_counter()
            claimed = http_.request("POST", claim_url, token, {"tasks": [task.pk]})
            completed = http_.request("POST", url, token, _payload(work, step))
            dt = time.perf_counter() - t0
            if claimed[0] != 200 or json.loads(claimed[1])["claimed"] != [task.pk]:
                raise AssertionError(f"claim of {task.case.reference}: {claimed[0]} {claimed[1][:200]!r}")
            if completed[0] != 200:
                raise AssertionError(
                    f"{step} of {task.case.reference}: {completed[0]} {completed[1][:300]!r}"
                )
            if n >= warmup:
                elapsed[step] += dt
                done[step] += 1
    states = dict(
        Case.objects.filter(pk__in=[t.case_id for _n, _s, t in work.rounds()]).values_list("pk", "state")
    )
    for _n, step, task in work.rounds():
        if states[task.case_id] != NEXT_STATE[step]:
            raise AssertionError(f"{task.case.reference} is {states[task.case_id]} after {step}")
    for step in STEPS:
        log(f"    {step:<8} {done[step] / elapsed[step]:8.1f}/s (claim + step)")
    return {"per_s": round(sum(done.values()) / sum(elapsed.values()), 1)}
