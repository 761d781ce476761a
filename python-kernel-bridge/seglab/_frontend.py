"""Names and limits shared with the TypeScript frontend (see PROTOCOL.md).

Both halves must agree on these values, so they live in one small module
(src/jupyter/protocol.ts holds the same numbers; a jest test compares them).
"""

#: npm package that provides the widget model and view.
MODULE_NAME = "seglab"
#: semver range of the frontend module this kernel side speaks to.
MODULE_VERSION = "^0.1.0"

#: Version carried as ``"v"`` in every custom message.
PROTOCOL_VERSION = 3

#: Largest chunk a peer may send. Jupyter Server closes websockets whose
#: messages exceed 10 MiB by default; 9 MiB leaves room for headers and JSON.
MAX_CHUNK_BYTES = 9 * 1024 * 1024
#: Chunk size the kernel uses when it sends.
DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024

#: Largest payload of one layer or screenshot (browsers handle bigger ArrayBuffers badly).
MAX_ARRAY_BYTES = 2 * 1024**3
#: Data dims of a layer (an RGB image has one more array axis).
MIN_NDIM, MAX_NDIM = 2, 5
MAX_POINTS = 1_000_000
MAX_SHAPES = 100_000
MAX_VERTICES = 1_000_000
#: Longest per-item JSON list (sizes, colours, property columns).
MAX_ITEM_LIST = 100_000
MAX_PROPERTIES = 32
MAX_STRING_LENGTH = 256
MAX_ID_LENGTH = 128
MAX_MESSAGE_LENGTH = 10_000
MAX_SCREENSHOT_SIDE = 16_384
#: Senders keep the JSON of one message below this (the websocket limit is 10 MiB).
MAX_JSON_BYTES = 4 * 1024 * 1024
#: Integers in JSON must survive a trip through a JavaScript double.
MAX_SAFE_INTEGER = 2**53 - 1

KINDS = ("image", "labels", "points", "shapes")
#: napari's colormap names that the frontend draws (src/core/colormaps.ts).
COLORMAPS = ("gray", "gray_r", "viridis", "magma", "inferno", "plasma", "cividis", "turbo",
             "green", "magenta", "cyan", "red", "blue", "yellow")
BLENDINGS = ("translucent", "translucent_no_depth", "additive", "opaque", "minimum")
INTERPOLATIONS = ("nearest", "linear")
LABELS_MODES = ("pan_zoom", "pick", "paint", "fill", "erase")
#: Vertices a shape of each type needs on the wire: (minimum, maximum or None).
SHAPE_VERTICES = {"rectangle": (4, 4), "ellipse": (4, 4), "line": (2, 2),
                  "path": (2, None), "polygon": (3, None)}
PROPERTY_DTYPES = ("float64", "int64", "bool", "str")

#: Descriptor fields that ``layer-props`` may change, by kind ("*" = every kind).
DISPLAY_FIELDS = {
    "*": ("name", "visible", "opacity", "blending", "scale", "translate"),
    "image": ("colormap", "contrast_limits", "gamma", "interpolation"),
    "labels": ("selected_label", "mode", "label_classes"),
    "points": (),
    "shapes": (),
}
#: Label ids 1..n a labels layer may name and colour (``label_classes``; the frontend's shader
#: holds their colours), and characters of one name.
MAX_LABEL_CLASSES = 16
MAX_LABEL_CLASS_NAME = 64
ITEM_FIELDS = {
    "image": (), "labels": (),
    "points": ("size", "face_color", "properties"),
    "shapes": ("edge_color", "face_color", "edge_width", "properties"),
}
