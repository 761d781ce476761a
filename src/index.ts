import { imageFilePlugin } from './jupyter/plugins/imageFilePlugin';
import { viewerPlugin } from './jupyter/plugins/viewerPlugin';
import { widgetPlugin } from './jupyter/plugins/widgetPlugin';

export default [widgetPlugin, viewerPlugin, imageFilePlugin];
