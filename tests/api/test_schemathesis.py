"""schemathesis over every operation of the OpenAPI document, against a running server (pytest-django's
live server) with seeded data: no response is a 5xx, and every response conforms to the document (status
code, content type, headers and body)."""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.throttling import PerTokenThrottle
from cases import services as case_services
from registry.models import Role
from registry.services import assign_role
from tests.builders import TODAY, build_world, pdf_upload, required_evidence_items
from tests.conftest import _restore_shipped_criteria
from workflows import services

from .helpers import issue_token, open_case

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
HIGH_RATES = {"api": "100000/min"}


def _seed():
    """A province with cases open at several steps in village A1, and a user who acts on every one of them
    (officer, assessor and head of A1, chair of commune A, inspector of the province)."""
    _restore_shipped_criteria()
    world = build_world()
    user = world.user("officer_a1")
    for role, unit in (
        (Role.ASSESSOR, world.village_a1),
        (Role.VILLAGE_HEAD, world.village_a1),
        (Role.COMMUNE_CHAIR, world.commune_a),
        (Role.INSPECTOR, world.province),
    ):
        assign_role(user, role=role, unit=unit, actor=None, valid_from=TODAY)
    for n in range(3):
        case = open_case(world, name=f"Hộ Lê Văn Thử {n}")
        if n:
            for item in required_evidence_items(case):
                case_services.add_evidence(case, item=item, upload=pdf_upload(), actor=user)
            services.perform_step(case, step="collect", outcome="complete", actor=user)
    open_case(world, village=world.village_b1, name="Hộ Ngoài Phạm Vi")
    return user


@pytest.fixture
def api_token(live_server, transactional_db, settings_throttle) -> str:
    _token, raw = issue_token(_seed(), name="schemathesis", actor=None)
    return raw


@pytest.fixture
def settings_throttle(monkeypatch):
    """The fuzzing sends thousands of requests with one token: the throttle is not what is tested here."""
    monkeypatch.setattr(PerTokenThrottle, "THROTTLE_RATES", HIGH_RATES)


EXAMPLES = 20  # per operation and mode: 36 operations x 2 modes in about two minutes


def _fuzz(operation, mode, token: str, statuses: dict) -> str | None:
    """Generated requests for one operation; the first failing check's report, or None."""

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],  # a report names the request; no time spent shrinking
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        response = case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
        statuses.setdefault(operation.label, set()).add(response.status_code)

    try:
        run()
    except (Exception, BaseExceptionGroup) as exc:  # every failure of every operation is reported together
        return f"{operation.label} ({mode.value}): {exc}"
    return None


def test_every_operation_answers_within_its_schema(live_server, api_token):
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30  # the document lists every operation
    statuses: dict[str, set[int]] = {}
    failures = [
        failure
        for operation in operations
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        if (failure := _fuzz(operation, mode, api_token, statuses))
    ]
    assert not failures, "\n\n".join(failures)
    # the requests reached the data, not only the refusals: every list without an id answered 200
    lists = [label for label in statuses if label.startswith("GET ") and "{" not in label]
    assert len(lists) >= 8
    assert all(200 in statuses[label] for label in lists), {label: statuses[label] for label in lists}
