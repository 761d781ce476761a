import { IDisposable } from '@lumino/disposable';
import { decodeImageFile } from '../../compute/io/imageFile';
import { ViewerModel } from '../model/viewerModel';

/**
 * Opens image files dropped from the desktop as new image layers. Files stay in the browser:
 * nothing is uploaded to the server.
 */
export class FileDropTool implements IDisposable {
  private _isDisposed = false;

  constructor(
    private readonly element: HTMLElement,
    private readonly model: ViewerModel,
    private readonly report: (text: string, isError: boolean) => void
  ) {
    element.addEventListener('dragover', this.onDragOver);
    element.addEventListener('drop', this.onDrop);
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    this._isDisposed = true;
    this.element.removeEventListener('dragover', this.onDragOver);
    this.element.removeEventListener('drop', this.onDrop);
  }

  private onDragOver = (event: DragEvent): void => {
    if (event.dataTransfer?.types.includes('Files')) {
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    }
  };

  private onDrop = (event: DragEvent): void => {
    const files = Array.from(event.dataTransfer?.files ?? []);
    if (files.length === 0) return;
    event.preventDefault();
    for (const file of files) {
      void this.open(file);
    }
  };

  private async open(file: File): Promise<void> {
    try {
      const decoded = await decodeImageFile(await file.arrayBuffer(), file.name);
      this.model.addImage(decoded.array, { name: file.name, rgb: decoded.rgb });
      this.report(decoded.notices.join(' '), false);
    } catch (err) {
      this.report(`${file.name}: ${(err as Error).message ?? err}`, true);
    }
  }
}
