"""What an operator decides when serving a store: where it is, who may change it, and the limits on each request.

The CLI (``unkg serve``) builds one :class:`Settings` and hands it to :func:`api.server.serve`; tests build their
own. :meth:`Settings.check` refuses combinations that would be unsafe (updates on a public interface without a
token) before anything starts.

>>> Settings(store=Path("var/store")).timeout
30.0
>>> Settings(store=Path("s"), host="0.0.0.0", allow_update=True, update_token=None).check()
Traceback (most recent call last):
...
api.settings.SettingsError: --allow-update on a non-loopback host (0.0.0.0) needs a token: set UNKG_UPDATE_TOKEN
"""

from __future__ import annotations

import ipaddress
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

from loader.errors import UnkgError
from loader.namespaces import data_base

MIB = 1024 * 1024
TOKEN_VARIABLE = "UNKG_UPDATE_TOKEN"


class SettingsError(UnkgError):
    """Settings that cannot be served as given."""


def _token_from_environment() -> str | None:
    return os.environ.get(TOKEN_VARIABLE) or None


@dataclass(frozen=True)
class Settings:
    """Everything ``unkg serve`` can be told; every field has a safe default except the store."""

    store: Path
    host: str = "127.0.0.1"
    port: int = 8000
    timeout: float = 30.0  # seconds a query may run before its worker is killed
    allow_update: bool = False  # SPARQL Update and the Graph Store protocol
    update_token: str | None = field(default_factory=_token_from_environment, repr=False)
    allowed_iris: frozenset[str] = frozenset()  # SERVICE, LOAD and FROM IRIs the operator lets through
    base_iri: str = field(default_factory=data_base)  # resolves relative IRIs in queries and updates
    max_body_bytes: int = 1 * MIB  # a larger request body gets 413
    max_result_bytes: int = 256 * MIB  # a larger result is cut off with an error
    max_memory_mib: int = 2048  # memory one query (or update) may take in its process; 0: no limit
    workers: int = 2  # query worker processes
    union_default_graph: bool = True  # the default graph is the union of the named graphs
    # addresses or networks of proxies whose X-Forwarded-For/-Proto are believed; none: the peer is the client
    trusted_proxies: frozenset[str] = frozenset()

    def check(self) -> Settings:
        """These settings, or a :class:`SettingsError` saying what must change."""
        if self.allow_update and not is_loopback(self.host) and not self.update_token:
            raise SettingsError(
                f"--allow-update on a non-loopback host ({self.host}) needs a token: set {TOKEN_VARIABLE}"
            )
        if not (math.isfinite(self.timeout) and self.timeout > 0):  # NaN compares false with everything
            raise SettingsError(f"the time limit must be a positive number of seconds, not {self.timeout}")
        if self.workers < 1:
            raise SettingsError(f"at least one worker is needed, not {self.workers}")
        if self.max_body_bytes < 1 or self.max_result_bytes < 1:
            raise SettingsError("the body and result limits must be positive")
        if self.max_memory_mib < 0:
            raise SettingsError(f"the memory limit is a number of MiB, or 0 for none, not {self.max_memory_mib}")
        for proxy in sorted(self.trusted_proxies):
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError:
                raise SettingsError(f"--trust-proxy takes an IP address or network, not {proxy!r}") from None
        if not 0 <= self.port <= 65535:
            raise SettingsError(f"not a TCP port: {self.port}")
        return self


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses, the only hosts where updates need no token."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
