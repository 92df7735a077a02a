"""Fixtures for integration tests: they start the real pccc binary
(PCCC_BIN, default build/pccc) on 127.0.0.1 with a temporary data
directory, learn its port from its "listening" log line, and stop it with
SIGTERM at the end."""
import json
import os
import signal
import subprocess
import threading
import time

import pytest
import requests

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.path.abspath(os.environ.get("PCCC_BIN", os.path.join(ROOT, "build", "pccc")))
SHARED = os.path.abspath(os.environ.get("PCCC_SHARED", os.path.join(ROOT, "..", "shared")))


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: long-running (real time windows, crash loops); "
                            "skipped in the sanitizer pass")


class Server:
    """A running pccc process. .url is its base URL; .logs the JSON log
    lines it printed on stderr so far; .stdout what it printed on stdout."""

    def __init__(self, data_dir, command="serve", extra=None, env=None):
        self.data_dir = str(data_dir)
        self.logs = []
        self.stdout = []
        args = [BIN, command, "--data", self.data_dir, "--http", "127.0.0.1:0",
                "--alarm", "127.0.0.1:0"] + list(extra or [])
        e = dict(os.environ)
        e.setdefault("PCCC_TEST_FAST_PASSWORDS", "1")
        e.update(env or {})
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=e, text=True)
        self._ready = threading.Event()
        self.port = None
        self.alarm_port = None
        threading.Thread(target=self._read_err, daemon=True).start()
        threading.Thread(target=self._read_out, daemon=True).start()
        if not self._ready.wait(120):
            self.kill()
            raise RuntimeError("pccc did not start: %s" % "\n".join(map(str, self.logs[-20:])))
        if self.port is None:
            raise RuntimeError("pccc exited: %s" % "\n".join(map(str, self.logs[-20:])))
        self.url = "http://127.0.0.1:%d" % self.port

    def _read_err(self):
        for line in self.proc.stderr:
            line = line.rstrip("\n")
            try:
                obj = json.loads(line)
            except ValueError:
                obj = {"raw": line}
            self.logs.append(obj)
            if obj.get("msg") == "listening":
                self.port = obj["port"]
                self._ready.set()
            if obj.get("msg") == "alarm listening":
                self.alarm_port = obj.get("port")
        self._ready.set()

    def _read_out(self):
        for line in self.proc.stdout:
            self.stdout.append(line.rstrip("\n"))

    def get(self, path, **kw):
        return requests.get(self.url + path, timeout=30, **kw)

    def stop(self, timeout=30):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def run_pccc(*args, timeout=120, env=None):
    e = dict(os.environ)
    e.setdefault("PCCC_TEST_FAST_PASSWORDS", "1")
    e.update(env or {})
    return subprocess.run([BIN] + list(args), capture_output=True, text=True, timeout=timeout,
                          env=e)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """One shared server for read-only tests."""
    s = Server(tmp_path_factory.mktemp("shared"), env={"PCCC_LOG_DEBUG": "1"})
    yield s
    s.stop()


@pytest.fixture
def fresh_server(tmp_path):
    """A server of one's own (for tests that change state or stop it)."""
    servers = []

    def start(command="serve", extra=None, env=None, data_dir=None):
        s = Server(data_dir or tmp_path, command, extra, env)
        servers.append(s)
        return s
    yield start
    for s in servers:
        s.stop()
