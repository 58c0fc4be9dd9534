"""The guard of tests/every_test_ran.py, in a pytest run of its own (one process and two)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = "def test_kept():\n    pass\n\n\ndef test_swallowed():\n    pass\n"
# A plugin that takes a test and never runs it: what a lost test looks like to the reporter.
SWALLOW = "def pytest_runtest_protocol(item, nextitem):\n    return True if item.name == 'test_swallowed' else None\n"


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    # No plugin but the guard and xdist: the suite's plugins (schemathesis, hypothesis, Django)
    # cost seconds to import in every process and play no part here.
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "xdist.plugin"]
    command += ["-p", "tests.every_test_ran", *args, str(tmp_path)]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    return subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("spread", [["-n", "0"], ["-n", "2"]], ids=["one-process", "two-processes"])
def test_a_collected_test_that_never_reports_fails_the_run_and_is_named(tmp_path, spread):
    (tmp_path / "test_sample.py").write_text(SAMPLE)
    (tmp_path / "conftest.py").write_text(SWALLOW)
    run = _run(tmp_path, *spread)
    assert run.returncode == pytest.ExitCode.TESTS_FAILED, run.stdout + run.stderr
    assert "1 of 2 collected tests never reported a result" in run.stdout
    assert "test_sample.py::test_swallowed" in run.stdout
    assert "test_sample.py::test_kept" not in run.stdout.split("never reported a result")[1]


@pytest.mark.parametrize("spread", [["-n", "0"], ["-n", "2"]], ids=["one-process", "two-processes"])
def test_a_run_where_every_test_reports_passes(tmp_path, spread):
    (tmp_path / "test_sample.py").write_text(SAMPLE)
    run = _run(tmp_path, *spread)
    assert run.returncode == pytest.ExitCode.OK, run.stdout + run.stderr
    assert "never reported" not in run.stdout


def test_collecting_only_runs_nothing_and_passes(tmp_path):
    (tmp_path / "test_sample.py").write_text(SAMPLE)
    assert _run(tmp_path, "--collect-only", "-q").returncode == pytest.ExitCode.OK


# What schemathesis 4 does under pytest 9 (a plugin building items by hand): five tests of one
# node id. The --dist loadfile run the guard was written for ran one of them and passed.
ONE_ID = """import pytest


class Case(pytest.Function):
    pass


@pytest.hookimpl(wrapper=True)
def pytest_pycollect_makeitem(collector, name, obj):
    items = yield
    if name != "test_case":
        return items
    return [Case.from_parent(collector, name=f"test_case[{n}]", originalname="test_case", callobj=obj) for n in range(5)]
"""
CASE = "def test_case():\n    pass\n"


@pytest.mark.parametrize(
    ("spread", "passed"),
    [(["-n", "0"], 5), (["-n", "2", "--dist", "load"], 5), (["-n", "2", "--dist", "loadfile"], 1)],
    ids=["one-process", "by-test", "by-file"],
)
def test_tests_sharing_a_node_id_all_run_or_the_run_fails(tmp_path, spread, passed):
    (tmp_path / "test_sample.py").write_text(CASE)
    (tmp_path / "conftest.py").write_text(ONE_ID)
    run = _run(tmp_path, *spread)
    assert f"{passed} passed" in run.stdout, run.stdout + run.stderr
    if passed == 5:
        assert run.returncode == pytest.ExitCode.OK
    else:
        assert run.returncode == pytest.ExitCode.TESTS_FAILED
        assert "4 of 5 collected tests never reported a result" in run.stdout
        assert "test_sample.py::test_case (×4)" in run.stdout
