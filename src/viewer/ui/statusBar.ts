import { Widget } from '@lumino/widgets';

/**
 * The viewer's own status line: cursor position, values under the cursor, the compute backend
 * and notices. Text only goes in through textContent, so layer names and file names coming
 * from users are never interpreted as HTML.
 */
export class ViewerStatusBar extends Widget {
  private readonly cursorNode = document.createElement('span');
  private readonly messageNode = document.createElement('span');
  private readonly backendNode = document.createElement('span');

  constructor() {
    super();
    this.addClass('jp-SegLab-statusBar');
    this.cursorNode.className = 'jp-SegLab-statusCursor';
    this.messageNode.className = 'jp-SegLab-statusMessage';
    this.backendNode.className = 'jp-SegLab-statusBackend';
    this.node.setAttribute('role', 'status');
    this.node.append(this.cursorNode, this.messageNode, this.backendNode);
  }

  setCursor(text: string): void {
    this.cursorNode.textContent = text;
  }

  setMessage(text: string, isError = false): void {
    this.messageNode.textContent = text;
    this.messageNode.classList.toggle('jp-SegLab-statusError', isError);
  }

  setBackend(text: string, title: string): void {
    this.backendNode.textContent = text;
    this.backendNode.title = title;
  }
}
