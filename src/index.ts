import { imageFilePlugin } from './jupyter/plugins/imageFilePlugin';
import { modelsPlugin } from './jupyter/plugins/modelsPlugin';
import { samRuntimePlugin } from './jupyter/plugins/samRuntimePlugin';
import { viewerPlugin } from './jupyter/plugins/viewerPlugin';
import { widgetPlugin } from './jupyter/plugins/widgetPlugin';

export default [widgetPlugin, viewerPlugin, imageFilePlugin, modelsPlugin, samRuntimePlugin];
