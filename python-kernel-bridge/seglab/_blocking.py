"""Block a running cell until a frontend message arrives, without deadlock.

A cell like ``arr = layer.data`` occupies the kernel's main thread, yet the
reply it waits for arrives as comm messages that the kernel normally handles on
that very thread. Two ways out, picked per kernel:

* Kernels with ``do_one_iteration`` (ipykernel 6, and 7 releases that kept it):
  ``jupyter_ui_poll.ui_events`` processes queued messages from inside the cell
  and defers other cells' ``execute_request`` until the cell ends.
* ipykernel 7 builds without ``do_one_iteration`` but with kernel subshells and
  per-comm reply routing (``Comm._reply_subshell_for``): the widget's incoming
  messages are routed to a subshell owned by SegLab while we wait; its thread
  runs the ``on_msg`` handlers while the main thread sleeps.

Only messages that reach the kernel after the wait starts are routed; one
that arrived just before it (a ``layer-ready`` racing ``wait_until_ready``)
is handled on the main thread once the cell ends.

Outside a kernel (plain Python) nothing can arrive, so the wait just sleeps
until its deadline.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager, nullcontext
from typing import Any, Callable, Dict, Iterator, Optional

_SUBSHELL: Dict[str, str] = {}  # "id" -> the subshell SegLab created, once per process
_SUBSHELL_LOCK = threading.Lock()


def _kernel() -> Any:
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python without IPython
        return None
    shell = get_ipython()
    return getattr(shell, "kernel", None) if shell is not None else None


def _owned_subshell(kernel: Any) -> Optional[str]:
    """Id of SegLab's subshell, created on first use; None if unsupported."""
    manager = getattr(getattr(kernel, "shell_channel_thread", None), "manager", None)
    loop = getattr(manager, "_shell_channel_io_loop", None)
    if manager is None or loop is None or not hasattr(manager, "_create_subshell"):
        return None
    with _SUBSHELL_LOCK:
        if "id" not in _SUBSHELL:
            created: Dict[str, Any] = {}
            done = threading.Event()

            def create() -> None:  # must run on the shell channel thread
                try:
                    created["id"] = manager._create_subshell()
                except Exception as exc:  # reported below, on the waiting thread
                    created["error"] = exc
                done.set()

            loop.add_callback(create)
            if not done.wait(10) or "error" in created:
                return None
            _SUBSHELL["id"] = created["id"]
        return _SUBSHELL["id"]


def in_kernel() -> bool:
    """True when running inside an IPython kernel (so a frontend may answer)."""
    return _kernel() is not None


def route_comm_to_subshell(comm: Any) -> bool:
    """On subshell kernels, handle every message of ``comm`` on SegLab's subshell.

    Routing only while a wait is running would leave a message that arrived just
    before the wait (a ``hello`` racing the first ``.data`` in "run all", a
    ``layer-ready`` racing ``wait_until_ready``) queued behind the busy cell; routing
    the viewer's comm for its whole life closes that gap. Handlers then run on
    the subshell thread, which is why the viewer guards its state with a lock.
    Returns False where the kernel has no subshells (jupyter_ui_poll is used then).
    """
    kernel = _kernel()
    if (kernel is None or comm is None or hasattr(kernel, "do_one_iteration")
            or not hasattr(comm, "_reply_subshell_for")):
        return False
    subshell_id = _owned_subshell(kernel)
    if subshell_id is None:
        return False
    comm._reply_subshell_for = lambda _data, _default: subshell_id
    return True


@contextmanager
def _routed_to_subshell(kernel: Any, comm: Any) -> Iterator[None]:
    """Route ``comm``'s incoming messages to SegLab's subshell while inside."""
    if (kernel is None or comm is None or not hasattr(comm, "_reply_subshell_for")
            or "_reply_subshell_for" in comm.__dict__):  # already routed for good
        yield
        return
    subshell_id = _owned_subshell(kernel)
    if subshell_id is None:
        yield
        return
    # An instance attribute shadows the class method; deleting it restores it.
    comm._reply_subshell_for = lambda _data, _default: subshell_id
    try:
        yield
    finally:
        comm.__dict__.pop("_reply_subshell_for", None)


def wait_until(done: Callable[[], bool], timeout: float, *, comm: Any = None,
               start: Optional[Callable[[], None]] = None, interval: float = 0.005) -> bool:
    """Call ``start()``, then process frontend messages until ``done()``; False on timeout.

    ``start`` (typically: send the request) runs after message routing is set
    up, so no reply can slip to the busy main thread before the wait begins.
    """
    deadline = time.monotonic() + timeout
    kernel = _kernel()
    use_ui_poll = (kernel is not None and hasattr(kernel, "do_one_iteration")
                   and threading.current_thread() is threading.main_thread())
    with nullcontext() if use_ui_poll else _routed_to_subshell(kernel, comm):
        if start is not None:
            start()
        if use_ui_poll:
            from jupyter_ui_poll import ui_events

            with ui_events() as ui_poll:
                while not done():
                    if time.monotonic() >= deadline:
                        return False
                    ui_poll(50)
                    time.sleep(interval)
            return True
        while not done():
            if time.monotonic() >= deadline:
                return False
            time.sleep(interval)
        return True
