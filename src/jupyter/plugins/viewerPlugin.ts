import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, MainAreaWidget, WidgetTracker } from '@jupyterlab/apputils';
import { ILauncher } from '@jupyterlab/launcher';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { imageIcon } from '@jupyterlab/ui-components';
import { ViewerModel } from '../../viewer/model/viewerModel';
import { ViewerWidget } from '../../viewer/ui/viewerWidget';
import { CommandIDs, PLUGIN_ID } from '../commands';
import { setPanelOpener } from '../panels';
import { applySettings } from '../settings';
import { createViewerPanel } from '../viewerPanel';

/** Viewer panels in the main area: the "New SegLab Viewer" command, launcher card and settings. */
export const viewerPlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'SegLab viewer panels, commands and settings.',
  autoStart: true,
  optional: [ICommandPalette, ILauncher, ISettingRegistry, ILayoutRestorer],
  activate: (
    app: JupyterFrontEnd,
    palette: ICommandPalette | null,
    launcher: ILauncher | null,
    settingRegistry: ISettingRegistry | null
  ) => {
    const tracker = new WidgetTracker<MainAreaWidget<ViewerWidget>>({ namespace: 'seglab-viewer' });
    const open = (model: ViewerModel, title: string, browserOnly = false) => {
      const panel = createViewerPanel(model, title, browserOnly);
      void tracker.add(panel);
      app.shell.add(panel, 'main');
      app.shell.activateById(panel.id);
    };
    setPanelOpener(open);

    app.commands.addCommand(CommandIDs.newViewer, {
      label: args => (args.isLauncher ? 'SegLab Viewer' : 'New SegLab Viewer'),
      caption: 'Open an empty SegLab image viewer',
      icon: imageIcon,
      execute: () => open(new ViewerModel(), 'SegLab Viewer', true)
    });
    app.commands.addCommand(CommandIDs.resetView, {
      label: 'Reset SegLab View',
      caption: 'Fit all layers into the current SegLab viewer',
      isEnabled: () => tracker.currentWidget !== null,
      execute: () => tracker.currentWidget?.content.resetView()
    });
    palette?.addItem({ command: CommandIDs.newViewer, category: 'SegLab' });
    palette?.addItem({ command: CommandIDs.resetView, category: 'SegLab' });
    launcher?.add({ command: CommandIDs.newViewer, category: 'Other', rank: 1 });

    if (settingRegistry) {
      void settingRegistry
        .load(PLUGIN_ID)
        .then(settings => {
          applySettings(settings);
          settings.changed.connect(applySettings);
        })
        .catch(err => console.error('SegLab: could not load settings', err));
    }
  }
};
