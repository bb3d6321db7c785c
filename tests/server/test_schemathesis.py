"""Property-based calls generated from openapi.yaml against a live server: never a 5xx, and
every answer fits the schema (schemathesis)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
schemathesis = pytest.importorskip("schemathesis")
hypothesis = pytest.importorskip("hypothesis")

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]
SKIP = {"/codepark/api/events", "/codepark/api/run"}  # a WebSocket; runs are tested on their own


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    from tests.servers import ServerProcess

    base = tmp_path_factory.mktemp("schemathesis")
    root = base / "root"
    root.mkdir()
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "synthrepo.py"), str(root / "repo"),
         "--commits", "200", "--files", "40", "--authors", "3", "--seed", "9"],
        check=True, capture_output=True,
    )  # fmt: skip
    srv = ServerProcess(base, root, f"sqlite:///{base / 'store.sqlite'}", lab=False).start()
    job = srv.api("codepark/api/analyses", "POST", {"path": "repo"})
    import time

    while srv.api(f"codepark/api/analyses/{job['id']}")["state"] in ("queued", "running"):
        time.sleep(0.1)
    yield srv
    srv.stop()


def test_no_server_errors_and_answers_fit_the_schema(live):
    from hypothesis import HealthCheck, given, settings

    schema = schemathesis.openapi.from_path(str(ROOT / "jupyter_codepark" / "openapi.yaml"))
    failures = []
    operations = 0
    for result in schema.get_all_operations():
        op = result.ok()
        if op.path in SKIP:
            continue
        operations += 1

        @settings(max_examples=25, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        @given(case=op.as_strategy())
        def check(case):
            response = case.call(
                base_url=live.url.rstrip("/"), headers={"Authorization": f"token {live.token}"}
            )
            try:
                case.validate_response(response, checks=CHECKS)
            except BaseException as e:  # noqa: BLE001 (schemathesis raises a FailureGroup)
                failures.append((case.operation.label, case.formatted_path, case.query,
                                 str(e)[:500]))  # fmt: skip

        check()
    assert operations >= 14
    assert failures == [], "\n".join(map(str, failures[:8]))
