import { ViewerModel } from '../viewer/model/viewerModel';

/**
 * How a kernel-backed viewer asks JupyterLab to show itself in the main area. The widget model
 * lives below the plugin that owns the application shell, so the plugin registers the opener.
 */
export type PanelOpener = (viewer: ViewerModel, title: string) => void;

let opener: PanelOpener | null = null;

export function setPanelOpener(fn: PanelOpener): void {
  opener = fn;
}

export function openPanel(viewer: ViewerModel, title: string): boolean {
  if (!opener) return false;
  opener(viewer, title);
  return true;
}
