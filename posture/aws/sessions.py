"""boto3 sessions that share one botocore loader per process.

Reading botocore's service models (the JSON of each API, its endpoint rules, its
paginators) is most of what making a client costs. Every session posture opens, the
caller's, each assumed role's, each scan's in a long-running process, shares one loader,
so a model is parsed once per process, whatever the number of accounts, regions or scans.
"""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

import boto3
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


@cache
def shared_loader() -> botocore.loaders.Loader:
    """The process's one botocore loader (its models are cached inside it)."""
    return botocore.loaders.create_loader()


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
