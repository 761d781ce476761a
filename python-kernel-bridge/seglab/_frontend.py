"""Names and limits shared with the TypeScript frontend (see PROTOCOL.md).

Both halves must agree on these values, so they live in one small module.
"""

#: npm package that provides the widget model and view.
MODULE_NAME = "seglab"
#: semver range of the frontend module this kernel side speaks to.
MODULE_VERSION = "^0.1.0"

#: Version carried as ``"v"`` in every custom message.
PROTOCOL_VERSION = 1

#: Largest chunk a peer may send. Jupyter Server closes websockets whose
#: messages exceed 10 MiB by default; 9 MiB leaves room for headers and JSON.
MAX_CHUNK_BYTES = 9 * 1024 * 1024
#: Chunk size the kernel uses when it sends.
DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024
