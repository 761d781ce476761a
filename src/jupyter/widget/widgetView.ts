import { DOMWidgetView } from '@jupyter-widgets/base';
import { ViewerWidget } from '../../viewer/ui/viewerWidget';
import { currentSettings } from '../settings';
import { SegLabViewerModel, StatusMessage } from './widgetModel';

/** A notebook output showing a SegLabViewerModel. */
export class SegLabViewerView extends DOMWidgetView {
  private viewerWidget: ViewerWidget | null = null;

  render(): void {
    const model = this.model as SegLabViewerModel;
    this.el.classList.add('jp-SegLab-output');
    this.viewerWidget = new ViewerWidget(model.viewer, { panZoom: () => currentSettings().panZoom });
    this.el.appendChild(this.viewerWidget.node);
    model.status.connect(this.onStatus, this);
  }

  remove(): any {
    (this.model as SegLabViewerModel).status.disconnect(this.onStatus, this);
    this.viewerWidget?.dispose();
    this.viewerWidget = null;
    return super.remove();
  }

  private onStatus(_: SegLabViewerModel, message: StatusMessage): void {
    this.viewerWidget?.showMessage(message.text, message.isError);
  }
}
