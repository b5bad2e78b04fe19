"""Every test that runs the arq worker does it through tests/burst_worker.py, on its own queue.

A burst worker on arq's default queue also runs jobs that other tests of the same process left
there (the stop-20 CI run counted 4 jobs where the test had enqueued 1), so its counts depend on
test order. This walk reads every test module and fails when one builds a ``Worker`` itself.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
HELPER = TESTS / "burst_worker.py"


def _workers_built_in(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name == "Worker":
                lines.append(node.lineno)
    return lines


def test_only_the_helper_builds_an_arq_worker():
    offenders = {
        str(path.relative_to(TESTS)): lines
        for path in sorted(TESTS.rglob("*.py"))
        if path != HELPER and (lines := _workers_built_in(path))
    }
    assert offenders == {}


def test_the_walk_sees_the_helper_build_one():
    assert _workers_built_in(HELPER)
