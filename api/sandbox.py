"""Query workers without a network: a second wall behind the outbound check (:mod:`api.outbound`).

Oxigraph follows ``SERVICE`` and ``LOAD`` over the network by itself. The endpoint refuses them unless the operator
allowed an IRI, by reading the text first; a text that check misreads would still make the worker call out. So when
nothing is allowed, each worker (and the writer) first moves into a network namespace of its own (Linux
``unshare(CLONE_NEWNET)``, with a user namespace when not root; root never takes one, which would cost it its
rights over files it does not own), where no interface is up: any connection fails, whatever the text says. Files
are untouched, so the store opens as before.

Where the kernel or a container forbids it, the worker runs as before and says why (the server logs it once).
"""

from __future__ import annotations

import ctypes
import os
import sys

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000


def without_network() -> str:
    """Move this process into a network namespace with no interface up; "" when done, else why it could not be.
    Call it before any thread starts (a user namespace needs a process with one thread)."""
    if not sys.platform.startswith("linux"):
        return f"network namespaces are Linux's, and this is {sys.platform}"
    # root takes a network namespace alone: in a user namespace of its own it would lose its rights over files it
    # does not own, the store's among them; anyone else needs the user namespace to be allowed one
    flags = CLONE_NEWNET if os.geteuid() == 0 else CLONE_NEWUSER | CLONE_NEWNET
    if ctypes.CDLL(None, use_errno=True).unshare(flags) != 0:
        return f"unshare refused ({os.strerror(ctypes.get_errno())})"
    return ""
