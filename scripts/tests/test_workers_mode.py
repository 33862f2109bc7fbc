"""Production mode from the project's environment: Odoo with --workers=2.

Starts ``<venv>/bin/odoo`` (the environment scripts/odoo_env.py set up: .venv,
or GOLIVE_VENV) with two HTTP workers and a gevent port on a fresh database,
then asserts that ``/web/login`` answers 200 on the HTTP port and that a
WebSocket handshake on ``/websocket`` is answered ``101 Switching Protocols``
on the gevent port. A failure quotes the server log's cause (e.g. the gevent
process dying with ``pkg_resources.DistributionNotFound``).

Standard library only (the handshake is written by hand); run by .ci/run
after the environment is set up. Without an environment it skips, saying why,
except under .ci/run (GOLIVE_CI=1), where that is a failure.
"""

import base64
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
CAUSES = ("Traceback", "Error", "error", "CRITICAL", "Killed", "died")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def odoo_script():
    venv = Path(os.environ.get("GOLIVE_VENV") or REPO_ROOT / ".venv")
    return venv / "bin" / "odoo"


def websocket_handshake(port, timeout=10):
    """The status line and headers the server answers to a WebSocket upgrade."""
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        "GET /websocket HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\n"
        f"Origin: http://127.0.0.1:{port}\r\n"
        "Upgrade: websocket\r\n"
        "Connection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request.encode())
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    headers = {}
    for line in head[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    accept = base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest())
    return head[0], headers, accept.decode()


class WorkersModeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.odoo = odoo_script()
        if not cls.odoo.exists():
            reason = f"{cls.odoo} does not exist: run `make env` first"
            if os.environ.get("GOLIVE_CI"):
                raise AssertionError(reason)
            raise unittest.SkipTest(reason)
        cls.python = cls.odoo.parent / "python"
        cls.tmp = Path(tempfile.mkdtemp())
        cls.db = os.environ.get("GOLIVE_TEST_DB", "golive_test") + "_workers"
        cls.addClassCleanup(shutil.rmtree, cls.tmp, True)
        cls.addClassCleanup(cls.drop_db)
        cls.drop_db()
        init = subprocess.run(
            [
                str(cls.odoo),
                "-d",
                cls.db,
                "-i",
                "base",
                "--without-demo=all",
                "--stop-after-init",
                "--no-http",
                "--log-level=warn",
                f"--logfile={cls.tmp / 'init.log'}",
            ],
            check=False,
            timeout=600,
        )
        if init.returncode:
            raise AssertionError(
                f"odoo -i base on {cls.db} failed:\n" + cls.log_tail("init.log")
            )

    @classmethod
    def drop_db(cls):
        subprocess.run(
            [
                str(cls.python),
                "-c",
                "import sys, psycopg2; c = psycopg2.connect(dbname='postgres'); "
                "c.autocommit = True; c.cursor().execute("
                "'DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)' % sys.argv[1])",
                cls.db,
            ],
            check=True,
        )

    @classmethod
    def log_tail(cls, name, lines=40):
        path = cls.tmp / name
        text = path.read_text(errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def cause(self):
        """The server log's lines that say what went wrong."""
        text = (self.tmp / "server.log").read_text(errors="replace")
        lines = [line for line in text.splitlines() if any(c in line for c in CAUSES)]
        exceptions = [
            line
            for line in text.splitlines()
            if line and not line.startswith((" ", "20")) and ":" in line
        ]
        return (
            "cause from the server log: "
            + (exceptions[-1] if exceptions else "(no exception)")
            + "\n"
            + "\n".join(lines[-15:] or text.splitlines()[-15:])
        )

    def start_server(self):
        self.http_port, self.gevent_port = free_port(), free_port()
        self.server_log = open(self.tmp / "server.log", "w")  # noqa: SIM115
        self.addCleanup(self.server_log.close)
        server = subprocess.Popen(  # noqa: S603
            [
                str(self.odoo),
                "-d",
                self.db,
                f"--db-filter=^{self.db}$",
                "--workers=2",
                "--max-cron-threads=0",
                f"--http-port={self.http_port}",
                f"--gevent-port={self.gevent_port}",
                "--http-interface=127.0.0.1",
                "--log-level=info",
            ],
            # the log and what a dying child process prints to stderr, together
            stdout=self.server_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

        def stop():
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()

        self.addCleanup(stop)
        return server

    def wait_for(self, port, server, seconds=120):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if server.poll() is not None:
                self.fail(f"odoo exited with code {server.returncode}; {self.cause()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.5)
        self.fail(f"nothing listens on port {port}; {self.cause()}")

    def test_login_and_websocket(self):
        server = self.start_server()
        self.wait_for(self.http_port, server)
        url = f"http://127.0.0.1:{self.http_port}/web/login"
        try:
            with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        self.assertEqual(status, 200, f"GET {url}; {self.cause()}")
        print(f"\nGET /web/login on the HTTP port {self.http_port}: {status}")

        try:
            self.wait_for(self.gevent_port, server, seconds=60)
            status_line, headers, accept = websocket_handshake(self.gevent_port)
        except OSError as exc:
            self.fail(f"WebSocket handshake: {exc}; {self.cause()}")
        self.assertRegex(
            status_line, r"^HTTP/1\.1 101 ", f"WebSocket handshake; {self.cause()}"
        )
        self.assertEqual(headers.get("sec-websocket-accept"), accept)
        print(
            f"WebSocket /websocket on the gevent port {self.gevent_port}:", status_line
        )
        log = (self.tmp / "server.log").read_text(errors="replace")
        self.assertNotIn("Traceback", log, self.cause())


if __name__ == "__main__":
    unittest.main()
