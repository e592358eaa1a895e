"""boto3 sessions that share one botocore loader, and what is built from it, per process.

Reading botocore's service models (the JSON of each API, its endpoint rules, its
paginators) is most of what making a client costs. Every session posture opens, the
caller's, each assumed role's, each scan's in a long-running process, shares one loader,
so a model is parsed once per process, whatever the number of accounts, regions or scans.

The next cost is what botocore builds from a model for every client: a `ServiceModel`
(whose operation models are rebuilt per client) and a client class with one method per
operation (about a hundred each). For clients made from the shared loader both are built
once per service and reused (`_ModelCache`): a scan of two regions makes one client per
(region, service), and each of them after the first costs a few milliseconds, not tens.
Clients from any other loader (moto's own, a user's) are left exactly as botocore makes them.
"""

from __future__ import annotations

import json
import os
import re
import threading
from functools import cache
from typing import Any

import boto3
import botocore.client
import botocore.loaders
import botocore.session

_SETUP = threading.Lock()


class LockedSession(boto3.Session):  # type: ignore[misc]
    """A boto3 session whose client creation is serialised: sessions are not thread-safe,
    and several region contexts of one account create clients from the same session."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._client_lock = threading.Lock()

    def client(self, *args: Any, **kwargs: Any) -> Any:
        with self._client_lock:
            return super().client(*args, **kwargs)


class _LeanFileLoader(botocore.loaders.JSONFileLoader):  # type: ignore[misc]
    """botocore's model files without their documentation text, in plain dicts.

    Half of a service model is prose (`documentation` strings on every operation, shape and
    member) that only docstrings ever show, and botocore keeps every model in OrderedDicts.
    A scan loads some thirty models; without the prose, in dicts, they take about a third less
    memory and parse faster. The key stays, as an empty string (botocore reads some of them,
    e.g. client context parameters'); nothing posture or botocore does with a model reads the text."""

    def _load_file(self, full_path: str, open_method: Any) -> Any:
        if not os.path.isfile(full_path):
            return None
        with open_method(full_path, "rb") as fp:
            payload = fp.read().decode("utf-8")
        return json.loads(_PROSE.sub('"documentation":""', payload))


# A "documentation" member whose value is a JSON string (escapes included). Inside another
# string the quotes would be escaped, so this matches only the member itself.
_PROSE = re.compile(r'"documentation"\s*:\s*"[^"\\]*(?:\\.[^"\\]*)*"')


@cache
def shared_loader() -> botocore.loaders.Loader:
    """The process's one botocore loader (its models are cached inside it)."""
    loader = botocore.loaders.Loader(file_loader=_LeanFileLoader())
    _ModelCache.install(loader)
    return loader


class _ModelCache:
    """Service models and client classes built once per service for the shared loader.

    Installed on botocore's ClientCreator the first time the shared loader is made (never at
    import time). Both objects are what botocore would build again from the same JSON: a
    ServiceModel is read-only once built (its caches fill idempotently, safe across threads, as
    botocore already shares one between the threads that use a client), and a client class
    holds only methods; each client keeps its own config, endpoint, events and connections.
    """

    loader: Any = None
    models: dict[tuple[str, str | None], Any] = {}
    classes: dict[str, type] = {}
    lock = threading.Lock()

    @classmethod
    def install(cls, loader: Any) -> None:
        with cls.lock:
            if cls.loader is not None:
                return
            cls.loader = loader
            creator = botocore.client.ClientCreator
            load_model, make_class = creator._load_service_model, creator._create_client_class

            def cached_model(self: Any, service_name: str, api_version: str | None = None) -> Any:
                if self._loader is not cls.loader:
                    return load_model(self, service_name, api_version)
                key = (service_name, api_version)
                model = cls.models.get(key)
                if model is None:
                    model = cls.models.setdefault(key, load_model(self, service_name, api_version))
                return model

            def cached_class(self: Any, service_name: str, service_model: Any) -> type:
                if self._loader is not cls.loader:
                    return make_class(self, service_name, service_model)  # type: ignore[no-any-return]
                made = cls.classes.get(service_name)
                if made is None:
                    made = cls.classes.setdefault(service_name, make_class(self, service_name, service_model))
                return made

            creator._load_service_model = cached_model
            creator._create_client_class = cached_class


def _botocore_session() -> botocore.session.Session:
    core = botocore.session.get_session()
    core.register_component("data_loader", shared_loader())
    return core


def _settle(session: LockedSession) -> LockedSession:
    # boto3 appends its own data folder to the loader's search path for every session it
    # builds; on a shared loader that would grow without end. Keep each folder once.
    with _SETUP:
        paths = session._loader.search_paths
        paths[:] = list(dict.fromkeys(paths))
    return session


def open_session(profile: str | None = None, region: str | None = None) -> LockedSession:
    """A session with the default credential chain (or `profile`); raises ProfileNotFound."""
    session = _settle(LockedSession(botocore_session=_botocore_session(), profile_name=profile,
                                    region_name=region))
    if profile is not None:
        session._session.get_scoped_config()  # an unknown profile fails here, not on the first call
    return session


def session_with(credentials: Any, region: str) -> LockedSession:
    """A session reading with `credentials` (e.g. refreshable assumed-role credentials)."""
    core = _botocore_session()
    core._credentials = credentials  # botocore's documented way to hand a session refreshable credentials
    return _settle(LockedSession(botocore_session=core, region_name=region))
