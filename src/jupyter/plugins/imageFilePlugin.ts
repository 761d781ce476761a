import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { IImageTracker } from '@jupyterlab/imageviewer';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IDisposable } from '@lumino/disposable';
import { IMAGE_FILE_FACTORY, IMAGE_FILE_TYPES, PLUGIN_ID } from '../commands';
import { ImageFileViewerFactory } from '../imageDocument';

const DOC_MANAGER_PLUGIN = '@jupyterlab/docmanager-extension:plugin';
const JUPYTERLAB_IMAGE_FACTORY = 'Image';

/**
 * Double-clicking a .tif/.tiff/.png/.jpg in the file browser opens it in SegLab.
 *
 * Why `defaultFor` and not `setDefaultWidgetFactory`: the document manager clears every
 * default-viewer override whenever its own settings load or change (it applies the user's
 * `defaultViewers`), which can happen after us. `defaultFor` is the registry's own default and
 * survives that; the last factory registered for a type wins, so this plugin asks for the image
 * viewer's token to activate after it. A user's `defaultViewers` entry still beats ours.
 */
export const imageFilePlugin: JupyterFrontEndPlugin<void> = {
  id: 'seglab:image-files',
  description: 'Opens TIFF, PNG and JPEG files in a SegLab viewer.',
  autoStart: true,
  optional: [ISettingRegistry, IImageTracker],
  activate: (app: JupyterFrontEnd, settingRegistry: ISettingRegistry | null) => {
    const registry = app.docRegistry;
    let registration: IDisposable | null = null;
    let isDefault: boolean | null = null;
    // Re-registering is how the setting switches: the registry has no other way to drop a
    // `defaultFor` claim.
    const register = (asDefault: boolean) => {
      if (asDefault === isDefault) return;
      registration?.dispose();
      isDefault = asDefault;
      registration = registry.addWidgetFactory(
        new ImageFileViewerFactory({
          name: IMAGE_FILE_FACTORY,
          label: 'SegLab Viewer',
          modelName: 'base64',
          fileTypes: IMAGE_FILE_TYPES,
          defaultFor: asDefault ? IMAGE_FILE_TYPES : ['tiff'],
          readOnly: true
        })
      );
    };
    register(true);
    if (!settingRegistry) return;

    // Opted out: PNG/JPEG go back to JupyterLab's image viewer (our claim replaced its
    // `defaultFor`, so it is restored as an override). TIFF stays with SegLab, the only viewer
    // that shows it. Overrides are re-applied after each document-manager settings pass.
    let userDefaults: Record<string, string> = {};
    const applyOptOut = () => {
      if (isDefault !== false || !registry.getWidgetFactory(JUPYTERLAB_IMAGE_FACTORY)) return;
      for (const fileType of IMAGE_FILE_TYPES) {
        if (fileType !== 'tiff' && !(fileType in userDefaults)) {
          registry.setDefaultWidgetFactory(fileType, JUPYTERLAB_IMAGE_FACTORY);
        }
      }
    };
    // setTimeout: run after the document manager's own handler of the same change.
    const afterDocManager = () => setTimeout(applyOptOut, 0);
    void Promise.all([settingRegistry.load(PLUGIN_ID), settingRegistry.load(DOC_MANAGER_PLUGIN), app.restored]).then(
      ([settings, docManager]) => {
        const follow = () => {
          register(settings.get('openImageFiles').composite !== false);
          userDefaults = (docManager.get('defaultViewers').composite as Record<string, string>) ?? {};
          if (isDefault) {
            for (const fileType of IMAGE_FILE_TYPES) {
              if (!(fileType in userDefaults)) registry.setDefaultWidgetFactory(fileType, undefined);
            }
          }
          afterDocManager();
        };
        follow();
        settings.changed.connect(follow);
        docManager.changed.connect(follow);
      }
    );
  }
};
