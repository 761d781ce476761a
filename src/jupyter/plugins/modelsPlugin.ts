import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { Dialog, ICommandPalette, showDialog } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { Widget } from '@lumino/widgets';
import { ModelService } from '../../compute/models/modelService';
import { CommandIDs, PLUGIN_ID } from '../commands';
import { createModelService, followModelSettings, ISegLabModels } from '../modelSettings';
import { setSegmentService } from '../segmentService';

/** "12.3 MiB (12,897,234 bytes)": the exact count too, so nothing is hidden by rounding. */
export function formatBytes(n: number): string {
  const exact = `${n.toLocaleString('en-US')} byte${n === 1 ? '' : 's'}`;
  if (n < 1024) return exact;
  const [value, unit] = n < 1024 ** 2 ? [n / 1024, 'KiB'] : n < 1024 ** 3 ? [n / 1024 ** 2, 'MiB'] : [n / 1024 ** 3, 'GiB'];
  return `${value.toFixed(1)} ${unit} (${exact})`;
}

/** A dialog body of plain paragraphs (text nodes only: notes can quote browser messages). */
function paragraphs(lines: string[]): Widget {
  const body = new Widget();
  body.addClass('jp-SegLab-modelCacheDialog');
  for (const line of lines) {
    const p = document.createElement('p');
    p.textContent = line;
    body.node.appendChild(p);
  }
  return body;
}

function addCommands(app: JupyterFrontEnd, models: ModelService, palette: ICommandPalette | null): void {
  app.commands.addCommand(CommandIDs.clearModelCache, {
    label: 'Clear SegLab Model Cache',
    caption: 'Delete the model files SegLab keeps in this browser (they are downloaded again when next used)',
    execute: async () => {
      const freed = await models.clearModelCache();
      const files = `${freed.entries} model file${freed.entries === 1 ? '' : 's'}`;
      // Not awaited: the command resolves with the result while the dialog is shown.
      void showDialog({
        title: 'SegLab model cache cleared',
        body: paragraphs([`Freed ${formatBytes(freed.bytes)} in ${files}.`]),
        buttons: [Dialog.okButton()]
      });
      return freed;
    }
  });
  app.commands.addCommand(CommandIDs.showModelCacheUsage, {
    label: 'Show SegLab Model Cache Usage',
    caption: 'How much space the model files SegLab keeps in this browser take',
    execute: async () => {
      const usage = await models.modelCacheUsage();
      const lines = [`${usage.entries} model file${usage.entries === 1 ? '' : 's'}, ${formatBytes(usage.bytes)}.`];
      lines.push(usage.persistent ? 'Kept in the browser (Cache Storage) across sessions.' : `Not persistent: ${usage.note ?? ''}`);
      void showDialog({ title: 'SegLab model cache', body: paragraphs(lines), buttons: [Dialog.okButton()] });
      return usage;
    }
  });
  app.commands.addCommand(CommandIDs.loadModel, {
    label: args => `Load SegLab Model ${typeof args.id === 'string' ? args.id : '(default)'}`,
    caption: 'Fetch a model\u2019s ONNX files into the model cache (returns their bytes)',
    execute: args => models.load(typeof args.id === 'string' ? args.id : undefined)
  });
  app.commands.addCommand(CommandIDs.listModels, {
    label: 'List SegLab Models',
    execute: () => ({
      models: models.registry.models.map(m => ({ id: m.id, family: m.family, name: m.name, origin: m.origin })),
      defaultModel: models.registry.defaultModel?.id ?? null,
      problems: [...models.registry.problems]
    })
  });
  palette?.addItem({ command: CommandIDs.clearModelCache, category: 'SegLab' });
  palette?.addItem({ command: CommandIDs.showModelCacheUsage, category: 'SegLab' });
}

/** The model registry and cache (token ISegLabModels), the `models` settings and cache commands. */
export const modelsPlugin: JupyterFrontEndPlugin<ModelService> = {
  id: 'seglab:models',
  description: 'SegLab model registry (the "models" setting) and the browser model cache.',
  autoStart: true,
  provides: ISegLabModels,
  optional: [ISettingRegistry, ICommandPalette],
  activate: async (app: JupyterFrontEnd, settingRegistry: ISettingRegistry | null, palette: ICommandPalette | null) => {
    const models = await createModelService();
    await setSegmentService(models);
    addCommands(app, models, palette);
    if (settingRegistry) {
      settingRegistry
        .load(PLUGIN_ID)
        .then(settings => followModelSettings(models, settings))
        .catch(err => console.error('SegLab: could not load the model settings', err));
    }
    return models;
  }
};
