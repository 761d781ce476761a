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
  private readonly progressNode = document.createElement('span');
  private readonly progressBar = document.createElement('progress');
  private readonly progressLabel = document.createElement('span');
  private readonly progressCancel = document.createElement('button');
  private cancelProgress: (() => void) | null = null;

  constructor() {
    super();
    this.addClass('jp-SegLab-statusBar');
    this.cursorNode.className = 'jp-SegLab-statusCursor';
    this.messageNode.className = 'jp-SegLab-statusMessage';
    this.backendNode.className = 'jp-SegLab-statusBackend';
    this.node.setAttribute('role', 'status');
    this.progressNode.className = 'jp-SegLab-statusProgress';
    this.progressNode.hidden = true;
    this.progressBar.max = 1;
    this.progressCancel.className = 'jp-SegLab-statusProgressCancel';
    this.progressCancel.textContent = '×';
    this.progressCancel.title = 'Cancel this transfer';
    this.progressCancel.setAttribute('aria-label', 'Cancel this transfer');
    this.progressCancel.addEventListener('click', () => this.cancelProgress?.());
    this.progressNode.append(this.progressLabel, this.progressBar, this.progressCancel);
    this.node.append(this.cursorNode, this.progressNode, this.messageNode, this.backendNode);
  }

  /** A transfer in progress ("receiving nuclei", 0..1), cancellable when `cancel` is given; null hides the bar. */
  setProgress(label: string | null, fraction = 0, cancel?: () => void): void {
    this.progressNode.hidden = label === null;
    this.cancelProgress = label === null ? null : cancel ?? null;
    this.progressCancel.hidden = this.cancelProgress === null;
    if (label === null) return;
    this.progressLabel.textContent = label; // layer names are the user's: text only
    this.progressBar.value = Math.min(1, Math.max(0, fraction));
    this.progressBar.setAttribute('aria-label', `${label}: ${Math.round(fraction * 100)}%`);
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
