import { pixelService } from './pixelService';
import { segmentService } from './segmentService';
import { ABCWidgetFactory, DocumentRegistry, DocumentWidget, IDocumentWidget } from '@jupyterlab/docregistry';
import { PathExt } from '@jupyterlab/coreutils';
import { decodeImageFile } from '../compute/io/imageFile';
import { ViewerModel } from '../viewer/model/viewerModel';
import { ViewerWidget } from '../viewer/ui/viewerWidget';
import { currentSettings } from './settings';
import { CloseGuard, registerUnsavedCheck, trackUserEdits } from './unsavedAnnotations';

function base64ToBytes(base64: string): ArrayBuffer {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

/**
 * The document around the viewer. No kernel and no save path: what the user annotates lives
 * only in this tab, so closing it asks first once an annotation layer was edited.
 */
class ImageDocumentWidget extends DocumentWidget<ViewerWidget> {
  private readonly guard: CloseGuard;

  constructor(options: DocumentWidget.IOptions<ViewerWidget>) {
    super(options);
    const viewer = options.content.model;
    const edits = trackUserEdits(viewer);
    const registration = registerUnsavedCheck(viewer, edits.check);
    this.disposed.connect(() => {
      registration.dispose();
      edits.dispose();
    });
    this.guard = new CloseGuard(
      this,
      viewer,
      'SegLab opens image files read-only and keeps annotations made on them only in this tab: closing it discards them.'
    );
  }

  /** The tab's close button, "Close Tab" and its shortcut come here; dispose() never asks. */
  close(): void {
    this.guard.requestClose(() => super.close());
  }
}

/**
 * Opens .tif/.tiff/.png/.jpg files from the file browser in a SegLab viewer. The file comes
 * through the document context (the contents API, base64), so it works behind any base URL and
 * with any contents manager; decoding happens in the browser.
 */
export class ImageFileViewerFactory extends ABCWidgetFactory<IDocumentWidget<ViewerWidget>, DocumentRegistry.IModel> {
  protected createNewWidget(context: DocumentRegistry.IContext<DocumentRegistry.IModel>): IDocumentWidget<ViewerWidget> {
    const content = new ViewerWidget(new ViewerModel(), { panZoom: () => currentSettings().panZoom, shortcuts: () => currentSettings().shortcuts });
    segmentService()?.attach(content);
    pixelService().attach(content);
    const widget = new ImageDocumentWidget({ content, context });
    widget.addClass('jp-SegLab-document');
    content.showOverlay('Loading…');
    void context.ready
      .then(async () => {
        const name = PathExt.basename(context.path);
        const decoded = await decodeImageFile(base64ToBytes(context.model.toString()), name);
        content.showOverlay('');
        content.model.addImage(decoded.array, { name: PathExt.basename(name, PathExt.extname(name)) || name, rgb: decoded.rgb });
        if (decoded.notices.length) content.showMessage(decoded.notices.join(' '));
      })
      .catch(err => {
        content.showOverlay(`Could not open ${PathExt.basename(context.path)}: ${(err as Error).message ?? err}`, true);
      });
    return widget;
  }
}
