import { MainAreaWidget } from '@jupyterlab/apputils';
import { imageIcon } from '@jupyterlab/ui-components';
import { ViewerModel } from '../viewer/model/viewerModel';
import { ViewerWidget } from '../viewer/ui/viewerWidget';
import { currentSettings } from './settings';

let panelCount = 0;

/** A SegLab viewer in JupyterLab's main area, showing `model` (new or shared with a kernel viewer). */
export function createViewerPanel(model: ViewerModel, title: string): MainAreaWidget<ViewerWidget> {
  const content = new ViewerWidget(model, { panZoom: () => currentSettings().panZoom, shortcuts: () => currentSettings().shortcuts });
  const panel = new MainAreaWidget({ content });
  panel.id = `seglab-viewer-${++panelCount}`;
  panel.title.label = title;
  panel.title.icon = imageIcon;
  panel.title.closable = true;
  panel.addClass('jp-SegLab-panel');
  if (model.layers.length === 0) {
    content.showOverlay('Drop a .tif, .png or .jpg here, open one from the file browser, or add images from Python.');
    const hide = () => {
      if (model.layers.length > 0) {
        content.showOverlay('');
        model.layersChanged.disconnect(hide);
      }
    };
    model.layersChanged.connect(hide);
  }
  return panel;
}
