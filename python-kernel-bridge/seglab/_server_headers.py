"""Cross-origin isolation for SegLab in a Jupyter server (opt-in).

Multi-threaded WASM in the browser (onnxruntime-web running SAM's encoder on several cores)
needs ``SharedArrayBuffer``, which browsers give only to *cross-origin isolated* pages: the page
must be served with ``Cross-Origin-Opener-Policy: same-origin`` and a
``Cross-Origin-Embedder-Policy``. A default Jupyter server sends neither, and SegLab then runs
its models on one WASM thread (or on WebGPU, which needs no isolation).

This jupyter_server extension (enabled by the jupyter-config file the package installs) adds
the two headers to every response of the server's handlers when the user opts in::

    # jupyter_server_config.py
    c.SegLab.cross_origin_isolation = True
    # c.SegLab.cross_origin_embedder_policy = "require-corp"   # default "credentialless"

or ``SEGLAB_CROSS_ORIGIN_ISOLATION=1`` in the server's environment (handy on JupyterHub:
``c.Spawner.environment``). Off by default: isolation changes how the page may embed and open
other origins (see below), which is the user's call, not an extension's.

Why ``credentialless`` by default: with ``require-corp`` every cross-origin subresource (images
in Markdown cells, CDN scripts of other widgets, iframes of other origins) must opt in with a
``Cross-Origin-Resource-Policy`` header or is blocked; ``credentialless`` loads them without
cookies instead, so notebooks that embed images from the web keep working. Same-origin content
(the whole of JupyterLab, its websockets, /files/) is unaffected by either. What isolation does
break in any case: ``window.opener`` across origins (``same-origin`` COOP), e.g. OAuth pop-ups
of other extensions, and cross-origin iframes that are not themselves served with COEP.
Chromium (96+) and Firefox (119+) support ``credentialless``; Safari does not, and there only
``require-corp`` isolates (without isolation SegLab still works, single-threaded).
"""

import mimetypes
import os

from traitlets import Bool, Enum
from traitlets.config import Configurable

ENV_VAR = "SEGLAB_CROSS_ORIGIN_ISOLATION"
_TRUE = {"1", "true", "yes", "on"}


class SegLab(Configurable):
    """SegLab's server-side settings (``c.SegLab.*``)."""

    cross_origin_isolation = Bool(
        False,
        config=True,
        help="Serve JupyterLab cross-origin isolated (COOP same-origin + COEP), so SegLab can run "
        f"models on several WASM threads. Also enabled by {ENV_VAR}=1.",
    )
    cross_origin_embedder_policy = Enum(
        ["credentialless", "require-corp"],
        default_value="credentialless",
        config=True,
        help="The Cross-Origin-Embedder-Policy sent when cross_origin_isolation is on.",
    )


def isolation_headers(settings: SegLab, environ=os.environ) -> dict:
    """The headers to add: empty unless isolation is on (by config or environment)."""
    on = settings.cross_origin_isolation or environ.get(ENV_VAR, "").strip().lower() in _TRUE
    if not on:
        return {}
    return {
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Embedder-Policy": settings.cross_origin_embedder_policy,
    }


def _jupyter_server_extension_points():
    return [{"module": "seglab._server_headers"}]


def _load_jupyter_server_extension(serverapp):
    # Module scripts (onnxruntime-web's .mjs) must be served as JavaScript, and .wasm as
    # application/wasm for streaming compilation; not every system's mime.types knows them.
    mimetypes.add_type("text/javascript", ".mjs")
    mimetypes.add_type("application/wasm", ".wasm")
    headers = isolation_headers(SegLab(config=serverapp.config))
    if not headers:
        return
    # jupyter_server's handlers (pages, static files, API, websockets) send settings["headers"]
    # on every response (JupyterHandler.set_default_headers); merge, keeping what the user set.
    current = serverapp.web_app.settings.setdefault("headers", {})
    for name, value in headers.items():
        current.setdefault(name, value)
    serverapp.log.info(
        "SegLab: cross-origin isolation on (COOP %s, COEP %s)",
        current["Cross-Origin-Opener-Policy"], current["Cross-Origin-Embedder-Policy"])
