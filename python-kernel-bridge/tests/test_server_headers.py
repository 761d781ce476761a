"""seglab._server_headers: cross-origin isolation is opt-in (config or environment), and the
package enables the server extension through its jupyter-config file. The headers on a real
server's responses are checked by ui-tests/tests/samRuntime.spec.js (with the page isolated)."""

import json

from traitlets.config import Config

from conftest import BRIDGE
from seglab._server_headers import ENV_VAR, SegLab, isolation_headers


def test_off_unless_asked():
    assert isolation_headers(SegLab(), environ={}) == {}
    assert isolation_headers(SegLab(), environ={ENV_VAR: "0"}) == {}


def test_on_by_config_or_environment():
    expected = {"Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "credentialless"}
    c = Config()
    c.SegLab.cross_origin_isolation = True
    assert isolation_headers(SegLab(config=c), environ={}) == expected
    assert isolation_headers(SegLab(), environ={ENV_VAR: "1"}) == expected
    c.SegLab.cross_origin_embedder_policy = "require-corp"
    assert isolation_headers(SegLab(config=c), environ={})["Cross-Origin-Embedder-Policy"] == "require-corp"


def test_jupyter_config_enables_the_extension():
    config = json.loads((BRIDGE / "jupyter-config" / "jupyter_server_config.d" / "seglab.json").read_text())
    assert config == {"ServerApp": {"jpserver_extensions": {"seglab._server_headers": True}}}
    pyproject = (BRIDGE / "pyproject.toml").read_text()
    assert ('"jupyter-config/jupyter_server_config.d/seglab.json" = '
            '"etc/jupyter/jupyter_server_config.d/seglab.json"') in pyproject
