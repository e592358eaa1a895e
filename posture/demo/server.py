"""A simulated AWS on 127.0.0.1: moto's server behind the simulation layer."""

from __future__ import annotations

import os
import tempfile
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

from posture.demo.gaps import simulate_moto_gaps
from posture.demo.simulation import Simulation

ACCOUNT_ID = "123456789012"  # moto's default account
# moto's defaults would distort a posture scan: its AMI catalogue would look like the
# account's own images, and AWS managed policies would be missing.
MOTO_SETTINGS = {"MOTO_EC2_LOAD_DEFAULT_AMIS": "false", "MOTO_ACM_VALIDATION_WAIT": "0"}


class QuietRequestHandler(MotoRequestHandler):
    """No access log: the demo's output is the scan, not the server's requests."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


class Dispatcher(DomainDispatcherApplication):
    """moto's request dispatcher, remembering which backend serves a host name. moto works it out
    again for every request (it lists its package folder and tries every service's URL patterns),
    holding one lock that every request of the server waits on: with many checks reading at once,
    most of a scan's time went there."""

    def __init__(self, create_app: Any) -> None:
        super().__init__(create_app)
        self._backends: dict[str, Any] = {}

    def get_backend_for_host(self, host: str | None) -> Any:
        if host is None:
            return None
        if host not in self._backends:  # called under moto's lock
            self._backends[host] = super().get_backend_for_host(host)
        return self._backends[host]


class LocalAws:
    """moto + simulation layer, listening on 127.0.0.1 on a free port."""

    def __init__(self) -> None:
        for key, value in MOTO_SETTINGS.items():
            os.environ.setdefault(key, value)
        self.simulation = Simulation()
        simulate_moto_gaps(self.simulation)
        app = self.simulation.middleware(Dispatcher(create_backend_app))
        self._server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietRequestHandler)
        self.port = int(self._server.server_address[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True, name="local-aws")
        # An empty AWS config file, so no profile or credential of the machine is ever read.
        fd, self._empty_config_path = tempfile.mkstemp(prefix="posture-aws-", suffix=".cfg")
        os.close(fd)
        self._clients: dict[tuple[str, str], Any] = {}
        self._clients_lock = threading.RLock()
        self._session: Any = None
        self.generation = 0  # bumped by each reset: a caller can tell its state is still the one it made

    def start(self) -> LocalAws:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)
        os.unlink(self._empty_config_path)

    def reset(self) -> None:
        request = urllib.request.Request(f"{self.url}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=10):
            pass
        self.simulation.reset()
        self.generation += 1

    def environment(self) -> dict[str, str]:
        """Environment for boto3 (in this process or a child) to reach only this server."""
        return {
            "AWS_ENDPOINT_URL": self.url,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_CONFIG_FILE": self._empty_config_path,
            "AWS_SHARED_CREDENTIALS_FILE": self._empty_config_path,
            "AWS_EC2_METADATA_DISABLED": "true",
        }

    def client(self, service: str, region: str = "us-east-1") -> Any:
        """A client of this server, made once per service and region (seeding makes thousands of
        calls); use `fresh_client` for one to change (register handlers on)."""
        with self._clients_lock:
            made = self._clients.get((service, region))
            if made is None:
                made = self._clients[(service, region)] = self.fresh_client(service, region)
            return made

    def fresh_client(self, service: str, region: str = "us-east-1") -> Any:
        """A new client of this server, its own to change."""
        from posture.aws.sessions import open_session

        with self._clients_lock:
            if self._session is None:
                self._session = open_session()
        return self._session.client(
            service, region_name=region, endpoint_url=self.url, aws_access_key_id="testing",
            aws_secret_access_key="testing", aws_session_token="testing",
        )


@contextmanager
def patched_environ(values: dict[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
