// The widget module's name and version as the kernel's `seglab.Viewer` names them
// (`_model_module`, `_model_module_version`); the two must stay in step.
export const MODULE_NAME = 'seglab';
export const MODULE_VERSION = '0.1.0';
