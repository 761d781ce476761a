/**
 * The comm protocol between the kernel's `seglab.Viewer` and the browser, version 3.
 * The specification is python-kernel-bridge/PROTOCOL.md; this file validates what arrives
 * from the kernel and builds (checked) what goes back. Nothing here trusts the other side:
 * every field is checked for type and bounds before use, and every error names the field,
 * in the same words as the kernel's validator (seglab/descriptors.py).
 *
 * This module is the protocol's public entry point; the code lives in protocolTypes.ts
 * (constants, enums, types), protocolChecks.ts (field checks), protocolValidate.ts (kernel ->
 * frontend validation) and protocolBuild.ts (frontend -> kernel builders). Import from here.
 */
export {
  BLENDINGS,
  INTERPOLATIONS,
  LABEL_DTYPES,
  LABELS_MODES,
  LAYER_KINDS,
  MAX_ARRAY_BYTES,
  MAX_ID_LENGTH,
  MAX_ITEM_LIST,
  MAX_JSON_BYTES,
  MAX_LAYERS,
  MAX_MESSAGE_LENGTH,
  MAX_NDIM,
  MAX_POINTS,
  MAX_PROPERTIES,
  MAX_SCREENSHOT_SIDE,
  MAX_SHAPES,
  MAX_STRING_LENGTH,
  MAX_VERTICES,
  MIN_NDIM,
  PROPERTY_DTYPES,
  PROTOCOL_VERSION,
  ProtocolError,
  RGB_DTYPES,
  SHAPE_TYPES,
  SHAPE_VERTICES
} from './protocolTypes';
export type {
  Blending,
  DimsState,
  DisplayFields,
  FrontendMessage,
  HexColor,
  ImageDescriptor,
  Interpolation,
  ItemFields,
  KernelMessage,
  LabelDType,
  LabelsDescriptor,
  LabelsMode,
  LayerDescriptor,
  LayerKind,
  LayerProps,
  PerItem,
  PointsDescriptor,
  PropertyColumn,
  CameraFields,
  ClickFields,
  ScaleBarFields,
  ShapesDescriptor,
  ShapeType,
  TileData,
  TileRegion,
  WireLabelClass
} from './protocolTypes';
export {
  checkPropsFor,
  descriptorFields,
  DISPLAY_FIELDS,
  ITEM_FIELDS,
  itemCount,
  levelShapes,
  MAX_LEVELS,
  payloadBytes,
  validateDims,
  validateKernelMessage,
  validateLayerDescriptor,
  validateLayerProps,
  validateScaleBar,
  validateTileRegion
} from './protocolValidate';
export {
  chunkAckMessage,
  chunkMessage,
  dataReplyMessage,
  dimsMessage,
  errorMessage,
  helloMessage,
  cameraMessage,
  clickMessage,
  layerEditMessage,
  layerListMessage,
  layerReadyMessage,
  layerUpdateMessage,
  scaleBarMessage,
  screenshotReplyMessage,
  tileRequestMessage,
  transferCancelMessage
} from './protocolBuild';
