import { pixelService } from '../pixelService';
import { DOMWidgetView } from '@jupyter-widgets/base';
import { Widget } from '@lumino/widgets';
import { NDArray } from '../../core/ndarray';
import { ViewerWidget } from '../../viewer/ui/viewerWidget';
import { segmentService } from '../segmentService';
import { currentSettings } from '../settings';
import { SegLabViewerModel, StatusMessage, TransferProgress } from './widgetModel';

/** A notebook output showing a SegLabViewerModel. */
export class SegLabViewerView extends DOMWidgetView {
  private viewerWidget: ViewerWidget | null = null;
  private screenshot: (() => NDArray) | null = null;

  render(): void {
    const model = this.model as SegLabViewerModel;
    this.el.classList.add('jp-SegLab-output');
    const viewer = new ViewerWidget(model.viewer, {
      panZoom: () => currentSettings().panZoom,
      shortcuts: () => currentSettings().shortcuts
    });
    this.viewerWidget = viewer;
    segmentService()?.attach(viewer);
    pixelService().attach(viewer);
    // Lumino needs its attach messages (child widgets of the viewer listen for them); the
    // output element is in the page once ipywidgets resolves `displayed`.
    void this.displayed.then(() => {
      if (this.viewerWidget === viewer && !viewer.isAttached) Widget.attach(viewer, this.el);
    });
    this.screenshot = () => viewer.screenshot();
    model.screenshotSources.push(this.screenshot);
    model.status.connect(this.onStatus, this);
    model.progress.connect(this.onProgress, this);
  }

  remove(): any {
    const model = this.model as SegLabViewerModel;
    model.status.disconnect(this.onStatus, this);
    model.progress.disconnect(this.onProgress, this);
    const index = this.screenshot ? model.screenshotSources.indexOf(this.screenshot) : -1;
    if (index >= 0) model.screenshotSources.splice(index, 1);
    this.viewerWidget?.dispose();
    this.viewerWidget = null;
    return super.remove();
  }

  private onProgress(model: SegLabViewerModel, { name, fraction, transferId }: TransferProgress): void {
    this.viewerWidget?.showProgress(fraction < 1 ? `receiving ${name}` : null, fraction, () => model.cancelTransfer(transferId));
  }

  private onStatus(_: SegLabViewerModel, message: StatusMessage): void {
    this.viewerWidget?.showMessage(message.text, message.isError);
  }
}
