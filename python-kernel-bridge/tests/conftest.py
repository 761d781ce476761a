"""Make the package importable here and in kernels started by the tests,
without installing it (the labextension may not be built yet)."""

import os
import sys
from pathlib import Path

BRIDGE = Path(__file__).resolve().parents[1]
REPO = BRIDGE.parent

if str(BRIDGE) not in sys.path:
    sys.path.insert(0, str(BRIDGE))
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(BRIDGE), os.environ.get("PYTHONPATH", "")) if p)
