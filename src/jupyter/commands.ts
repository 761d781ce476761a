/** Every command SegLab adds to JupyterLab, in one place. */
export const CommandIDs = {
  newViewer: 'seglab:new-viewer',
  resetView: 'seglab:reset-view'
} as const;

export const PLUGIN_ID = 'seglab:plugin';
export const IMAGE_FILE_FACTORY = 'SegLab Viewer';
export const IMAGE_FILE_TYPES = ['tiff', 'png', 'jpeg'];
