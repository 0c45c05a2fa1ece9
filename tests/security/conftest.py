"""Fixtures for fuzzing the RPCs: the four services running once per database kind.

Starting four containers and migrating four databases per test would cost far more than the
fuzzing itself, so `fuzz_suite` is module-scoped: one vhost, four databases of one kind and the
four services for all the RPCs of a test module, seeded with an organisation, a document, a task
and a petition so that near-valid calls reach past the lookups.
"""
from dataclasses import dataclass, field
from urllib.parse import urlparse

import pytest
from nameko.runners import ServiceRunner

from services.evaluation.service import EvaluationService
from services.intake.service import IntakeService
from services.notify.service import NotifyService
from services.tasks.service import TasksService
from shared import migrations
from shared.auth import mint_token
from shared.rpc_client import SuiteRpcProxy
from tests.conftest import OFFICE, OTHER_OFFICE, DatabaseFactory, config_for_test, wait_for
from tests.support.fuzz import InternalErrorLog, Known, watch_internal_errors

FUZZED_SERVICES = (IntakeService, TasksService, EvaluationService, NotifyService)
FUZZ_RPC_TIMEOUT = 20

# token name → (sub, roles, office, clearance): every role family of the office, and strangers
CALLERS = {
    "clerk": ("vt", ["clerk"], OFFICE, 0),
    "staff": ("cv", ["staff"], OFFICE, 0),
    "head": ("tp", ["head"], OFFICE, 0),
    "leader": ("ld", ["leader"], OFFICE, 0),
    "evaluator": ("dg", ["evaluator"], OFFICE, 0),
    "admin": ("admin", ["admin"], OFFICE, 0),
    "other_office": ("ld", ["leader", "clerk", "admin"], OTHER_OFFICE, 3),
    "none": None,
}
SEED_UNITS = [{"code": "PTH", "name": "Phòng Tổng hợp"},
              {"code": "PHC", "name": "Phòng Hành chính - Quản trị"}]
SEED_STAFF = [
    {"staff_id": "ld", "full_name": "Mai Ngọc Dinh", "unit_code": "PTH", "is_leader": True,
     "roles": ["leader"], "position": "Chánh Văn phòng"},
    {"staff_id": "tp", "full_name": "Trần Thị Trưởng", "unit_code": "PTH", "is_unit_head": True,
     "roles": ["head"], "position": "Trưởng phòng"},
    {"staff_id": "cv", "full_name": "Lê Văn Một", "unit_code": "PTH", "task_group": "chuyen-vien",
     "roles": ["staff"]},
    {"staff_id": "cv2", "full_name": "Võ Văn Hai", "unit_code": "PHC", "roles": ["staff"]},
]

# what exists once seeded: near-valid calls name these
KNOWN = Known(strings=tuple(sorted({u["code"] for u in SEED_UNITS}
                                   | {person["staff_id"] for person in SEED_STAFF}
                                   | {caller[0] for caller in CALLERS.values() if caller}
                                   | {OFFICE, OTHER_OFFICE})),
              integers=(1, 2, 3))


@dataclass
class FuzzSuite:
    kind: str
    configs: dict
    tokens: dict
    internal_log: InternalErrorLog
    proxies: dict = field(default_factory=dict)

    def proxy(self, token_name, service):
        """An open client per caller (opening one per call would cost more than the call)."""
        if token_name not in self.proxies:
            client = SuiteRpcProxy(self.configs[service], token=self.tokens[token_name],
                                   timeout=FUZZ_RPC_TIMEOUT)
            self.proxies[token_name] = (client, client.start())
        return self.proxies[token_name][1]

    def forget(self, token_name):
        """Drop a client after a timeout: its late reply must not answer the next call."""
        client, _ = self.proxies.pop(token_name, (None, None))
        if client is not None:
            client.stop()

    def call(self, service, method, token_name="admin", *args, **kwargs):
        return getattr(self.proxy(token_name, service)[service], method)(*args, **kwargs)

    def close(self):
        for name in list(self.proxies):
            self.forget(name)


def _vhost_config(request, vhost):
    uri = urlparse(request.config.getoption("RABBIT_AMQP_URI"))
    return {"AMQP_URI": f"{uri.scheme}://{uri.netloc}/{vhost}", "username": uri.username,
            "vhost": vhost}


def _service_config(rabbit, suite_config, db_url):
    """As tests/conftest.py's `service_config`, for a module-scoped container; timers stay out
    of the way: the fuzzed RPCs are what is under test."""
    return config_for_test(rabbit, suite_config, db_url, RPC_TIMEOUT=FUZZ_RPC_TIMEOUT,
                               DIGEST_CHECK_SECONDS=86400, IMAP_POLL_SECONDS=86400)


def _seed(suite):
    """An organisation, a document and its direction, a task and a petition, in the office."""
    for unit in SEED_UNITS:
        suite.call("tasks", "upsert_unit", unit=unit)
    for person in SEED_STAFF:
        suite.call("tasks", "upsert_staff", staff=person)
    document = suite.call("intake", "receive", "clerk", document={
        "subject": "V/v báo cáo kết quả giám sát", "organ_name": "Thường trực HĐND tỉnh",
        "priority": "khẩn", "code_number": "12", "code_notation": "TB-HĐND"})
    wait_for(lambda: suite.call("tasks", "pending_directions", "leader"),
             message="the seeded document in tasks")
    direction = suite.call("tasks", "direct", "leader", document_id=document["id"], lead="PTH",
                           due_in_working_days=5, note="Phòng Tổng hợp chủ trì")
    task = suite.call("tasks", "create", "leader", task={
        "title": "Báo cáo công tác tháng", "assignee": "cv", "due_in_working_days": 10})
    petition = suite.call("intake", "receive_petition", "clerk", petition={
        "petitioner_name": "Nguyễn Văn A", "petitioner_address": "xã Mỹ Hiệp",
        "content": "Kiến nghị sửa đường", "categories": ["kiến nghị"]})
    wait_for(lambda: len(suite.call("evaluation", "list_staff", "evaluator")) >= len(SEED_STAFF),
             message="the seeded staff in evaluation")
    ids = {document["id"], task["id"], petition["id"]} | {t["id"] for t in direction["tasks"]}
    assert ids <= set(KNOWN.integers), f"the seeded ids {ids} are not all in {KNOWN.integers}"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def fuzz_suite(request, vhost_pipeline, suite_config, tmp_path_factory):
    """The four services on one database kind, seeded, with a client per caller."""
    databases = DatabaseFactory(request.param, tmp_path_factory.mktemp(f"fuzz-{request.param}"))
    try:
        with vhost_pipeline.get() as vhost, watch_internal_errors() as internal_log:
            rabbit = _vhost_config(request, vhost)
            configs = {}
            for service_cls in FUZZED_SERVICES:
                db_url = databases.new(service_cls.name)
                migrations.upgrade(service_cls, db_url)
                configs[service_cls.name] = _service_config(rabbit, suite_config, db_url)
            tokens = {name: None if caller is None else
                      mint_token(suite_config, caller[0], caller[2], caller[1], caller[3])
                      for name, caller in CALLERS.items()}
            suite = FuzzSuite(request.param, configs, tokens, internal_log)
            runners = []
            try:
                for service_cls in FUZZED_SERVICES:
                    runner = ServiceRunner(configs[service_cls.name])
                    runner.add_service(service_cls)
                    runners.append(runner)
                    runner.start()
                _seed(suite)
                yield suite
            finally:
                suite.close()
                for runner in runners:   # before the vhost goes
                    runner.kill()
    finally:
        databases.cleanup()


@pytest.fixture
def intake(runner_factory, service_config):
    """intake with the suite's defaults, for the attacks on one service (function scope)."""
    config = service_config(IntakeService)
    runner_factory(config, IntakeService).start()
    return config
