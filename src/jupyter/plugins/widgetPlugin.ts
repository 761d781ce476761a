import { IJupyterWidgetRegistry } from '@jupyter-widgets/base';
import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { MODULE_NAME, MODULE_VERSION } from '../version';
import { SegLabViewerModel } from '../widget/widgetModel';
import { SegLabViewerView } from '../widget/widgetView';

/** Makes `seglab.Viewer()` in a kernel render as a SegLab viewer in notebook outputs. */
export const widgetPlugin: JupyterFrontEndPlugin<void> = {
  id: 'seglab:widget',
  description: 'The SegLab viewer as a Jupyter widget (seglab.Viewer in the kernel).',
  autoStart: true,
  requires: [IJupyterWidgetRegistry],
  activate: (_app: JupyterFrontEnd, registry: IJupyterWidgetRegistry) => {
    registry.registerWidget({
      name: MODULE_NAME,
      version: MODULE_VERSION,
      exports: { SegLabViewerModel, SegLabViewerView }
    });
  }
};
