"""Make the package importable here and in kernels started by the tests,
without installing it (the labextension may not be built yet)."""

import os
import re
import sys
from pathlib import Path

import pytest

BRIDGE = Path(__file__).resolve().parents[1]
REPO = BRIDGE.parent

if str(BRIDGE) not in sys.path:
    sys.path.insert(0, str(BRIDGE))
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(BRIDGE), os.environ.get("PYTHONPATH", "")) if p)


@pytest.fixture(scope="session")
def peer():
    """A real ipykernel and a frontend peer talking to it over its channels."""
    from jupyter_client import KernelManager

    from peer import Peer

    km = KernelManager(kernel_name="python3")  # resolves to this interpreter's ipykernel
    km.start_kernel(env=dict(os.environ))  # PYTHONPATH above puts the package in reach
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    try:
        yield Peer(kc)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def printed(out: str, key: str) -> str:
    """The rest of the line ``KEY ...`` that kernel code printed."""
    match = re.search(rf"^{key} (.*)$", out, re.M)
    assert match, f"no {key!r} line in kernel output:\n{out}"
    return match.group(1)
