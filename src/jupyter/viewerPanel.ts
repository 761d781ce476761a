import { pixelService } from './pixelService';
import { segmentService } from './segmentService';
import { MainAreaWidget } from '@jupyterlab/apputils';
import { imageIcon } from '@jupyterlab/ui-components';
import { ViewerModel } from '../viewer/model/viewerModel';
import { ViewerWidget } from '../viewer/ui/viewerWidget';
import { currentSettings } from './settings';
import { CloseGuard, registerUnsavedCheck, trackUserEdits } from './unsavedAnnotations';

const KERNEL_GONE =
  'The kernel of this viewer has stopped, so no kernel holds these edits: closing this panel loses them unless the viewer is still shown elsewhere (e.g. in a notebook output).';
const BROWSER_ONLY = 'This viewer belongs to no kernel: its annotations live only in this tab, and closing it discards them.';

let panelCount = 0;

/**
 * While its kernel lives, a kernel viewer's edits reach the kernel as they are made; once the
 * kernel is gone they do not, and the kernel bridge reports the layers edited since (through
 * the unsaved-annotations registry). A viewer of no kernel ("New SegLab Viewer", a dropped
 * file) tracks its own edits. Closing the panel with such edits asks first.
 */
class ViewerPanel extends MainAreaWidget<ViewerWidget> {
  private readonly guard: CloseGuard;

  constructor(content: ViewerWidget, browserOnly: boolean) {
    super({ content });
    if (browserOnly) {
      const edits = trackUserEdits(content.model);
      const registration = registerUnsavedCheck(content.model, edits.check);
      this.disposed.connect(() => {
        registration.dispose();
        edits.dispose();
      });
    }
    this.guard = new CloseGuard(this, content.model, browserOnly ? BROWSER_ONLY : KERNEL_GONE);
  }

  /** The tab's close button, "Close Tab" and its shortcut come here; dispose() never asks. */
  close(): void {
    this.guard.requestClose(() => super.close());
  }
}

/**
 * A SegLab viewer in JupyterLab's main area, showing `model`: shared with a kernel viewer, or
 * (`browserOnly`) a viewer of its own that no kernel backs.
 */
export function createViewerPanel(model: ViewerModel, title: string, browserOnly = false): MainAreaWidget<ViewerWidget> {
  const content = new ViewerWidget(model, { panZoom: () => currentSettings().panZoom, shortcuts: () => currentSettings().shortcuts });
  segmentService()?.attach(content);
  pixelService().attach(content);
  const panel = new ViewerPanel(content, browserOnly);
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
