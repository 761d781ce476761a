"""`pip install ./python-kernel-bridge` must ship the prebuilt extension: build the wheel the way
pip does and check that the labextension and install.json land in share/jupyter/labextensions/seglab.
"""

import json
import subprocess
import sys
import zipfile

import pytest

from conftest import BRIDGE, REPO

LABEXT = BRIDGE / "seglab" / "labextension"
DATA_PREFIX = "seglab-0.1.0.data/data/share/jupyter/labextensions/seglab/"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    if not (LABEXT / "package.json").exists():
        pytest.skip("extension not built yet (scripts/setup.sh builds it)")
    out = tmp_path_factory.mktemp("wheel")
    # --no-build-isolation: use the venv's hatchling; the npm step is skipped because the
    # extension is already built (skip-if-exists in pyproject.toml).
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "-q", "-w", str(out), str(BRIDGE)],
        check=True, timeout=300)
    wheels = list(out.glob("seglab-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def test_wheel_ships_prebuilt_extension(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert DATA_PREFIX + "package.json" in names
    assert DATA_PREFIX + "install.json" in names
    assert any(n.startswith(DATA_PREFIX + "static/remoteEntry.") for n in names)
    assert any(n.startswith(DATA_PREFIX + "schemas/seglab/") and n.endswith("plugin.json")
               for n in names), "settings schema missing"
    assert "seglab/viewer.py" in names


def test_wheel_metadata_matches_npm_package(wheel):
    with zipfile.ZipFile(wheel) as z:
        install = json.loads(z.read(DATA_PREFIX + "install.json"))
        built = json.loads(z.read(DATA_PREFIX + "package.json"))
    npm = json.loads((REPO / "package.json").read_text())
    assert install["packageName"] == "seglab" and install["uninstallInstructions"]
    assert built["name"] == npm["name"] and built["version"] == npm["version"]
    # The widget manager must stay a shared singleton, never bundled into our chunks.
    shared = built["jupyterlab"]["sharedPackages"]["@jupyter-widgets/base"]
    assert shared == {"bundled": False, "singleton": True}


def test_wheel_enables_the_server_extension(wheel):
    # seglab._server_headers (opt-in cross-origin isolation) is enabled by this config file.
    name = "seglab-0.1.0.data/data/etc/jupyter/jupyter_server_config.d/seglab.json"
    with zipfile.ZipFile(wheel) as z:
        assert json.loads(z.read(name)) == {"ServerApp": {"jpserver_extensions": {"seglab._server_headers": True}}}
        assert any(n.startswith(DATA_PREFIX + "static/ort/") and n.endswith(".wasm") for n in z.namelist())
