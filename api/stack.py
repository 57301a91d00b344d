"""Room for Oxigraph to recurse: run a function on a thread with a 1 GiB stack.

Oxigraph parses, plans and evaluates a query recursively, one call per element of a chain (triple patterns, groups,
``BIND``, ``UNION``, operators), so 20,000 of them overflow the 8 MiB stack of a main thread and kill the process
with it. The big stack is address space, not memory: pages are used only as deep as a query goes.
:data:`api.sparql_text.MAX_TOKENS` bounds how deep that is.

>>> on_deep_stack(lambda a, b: a + b, 1, 2)
3
"""

from __future__ import annotations

import threading
import traceback

STACK_BYTES = 1 << 30
_starting = threading.Lock()  # threading.stack_size is process-wide: set it for one thread at a time


def on_deep_stack(function, *args):
    """``function(*args)`` on a thread of its own with a :data:`STACK_BYTES` stack; its result, or its exception."""
    outcome: dict = {}

    def target() -> None:
        try:
            outcome["result"] = function(*args)
        except BaseException as error:  # handed to the caller, as if raised there
            # without the locals of the frames it passed through: pyoxigraph's results must be dropped on the thread
            # that made them ("unsendable"), not when the caller's traceback goes
            traceback.clear_frames(error.__traceback__)
            outcome["error"] = error

    with _starting:
        before = threading.stack_size(STACK_BYTES)
        try:
            thread = threading.Thread(target=target, name="unkg-deep-stack", daemon=True)
            thread.start()
        finally:
            threading.stack_size(before)
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("result")
