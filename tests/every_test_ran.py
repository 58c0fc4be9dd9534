"""A run passes only if every collected test came back with a result.

A run spread over processes (pytest-xdist, make test) once ended "passed" with 228 of its
collected tests never run. The cause: under pytest 9 the 229 tests schemathesis makes of the
API share one node id, and xdist's by-file scheduling (`--dist loadfile`) keys its queue by
node id, so it ran one of them. make test now schedules by test (`--dist load`, by index), and
this guard makes such a loss a failure: the process that reports (the only one, or xdist's
controller) counts each node id collected and each teardown reported, and fails a run that
would otherwise pass, naming the tests that did not come back as often as they were collected.
"""

from collections import Counter

import pytest


class EveryTestRan:
    def __init__(self):
        self.collected: Counter[str] = Counter()
        self.finished: Counter[str] = Counter()

    def pytest_collection_finish(self, session):
        self.collected = Counter(item.nodeid for item in session.items)

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node, ids):
        # Under xdist the controller collects nothing itself: each worker tells it its ids,
        # the same list from every worker (xdist refuses a run where they differ).
        self.collected = Counter(ids)

    def pytest_runtest_logreport(self, report):
        if report.when == "teardown":
            self.finished[report.nodeid] += 1

    def pytest_sessionfinish(self, session, exitstatus):
        if session.config.option.collectonly or exitstatus != pytest.ExitCode.OK:
            return
        missing = self.collected - self.finished
        if not missing:
            return
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            total, lost = self.collected.total(), missing.total()
            reporter.write_sep("!", f"{lost} of {total} collected tests never reported a result")
            for nodeid, count in sorted(missing.items())[:50]:
                reporter.write_line(f"{nodeid} (×{count})" if count > 1 else nodeid)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_configure(config):
    if not hasattr(config, "workerinput"):  # an xdist worker reports to the controller, which checks
        config.pluginmanager.register(EveryTestRan(), "every-test-ran")
