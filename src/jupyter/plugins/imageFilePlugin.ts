import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IMAGE_FILE_FACTORY, IMAGE_FILE_TYPES, PLUGIN_ID } from '../commands';
import { ImageFileViewerFactory } from '../imageDocument';

/** Double-clicking a .tif/.tiff/.png/.jpg in the file browser opens it in SegLab. */
export const imageFilePlugin: JupyterFrontEndPlugin<void> = {
  id: 'seglab:image-files',
  description: 'Opens TIFF, PNG and JPEG files in a SegLab viewer.',
  autoStart: true,
  optional: [ISettingRegistry],
  activate: (app: JupyterFrontEnd, settingRegistry: ISettingRegistry | null) => {
    const factory = new ImageFileViewerFactory({
      name: IMAGE_FILE_FACTORY,
      label: 'SegLab Viewer',
      modelName: 'base64',
      fileTypes: IMAGE_FILE_TYPES,
      readOnly: true
    });
    app.docRegistry.addWidgetFactory(factory);
    // JupyterLab's own image viewer also claims PNG/JPEG; which plugin activates last is not
    // defined, so the default is set explicitly once the app is up (and follows the setting).
    const makeDefault = (enabled: boolean) => {
      for (const fileType of IMAGE_FILE_TYPES) {
        if (enabled) {
          app.docRegistry.setDefaultWidgetFactory(fileType, IMAGE_FILE_FACTORY);
        } else if (fileType !== 'tiff') {
          app.docRegistry.setDefaultWidgetFactory(fileType, undefined);
        }
      }
    };
    void app.restored.then(async () => {
      if (!settingRegistry) {
        makeDefault(true);
        return;
      }
      const settings = await settingRegistry.load(PLUGIN_ID);
      makeDefault(settings.get('openImageFiles').composite !== false);
      settings.changed.connect(() => makeDefault(settings.get('openImageFiles').composite !== false));
    });
  }
};
