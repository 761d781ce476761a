import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { DEFAULT_PAN_ZOOM, PanZoomOptions } from '../viewer/tools/panZoom';
import { checkOverrides, ShortcutOverrides } from '../viewer/ui/shortcuts';

/** SegLab's user settings (schema/plugin.json), kept current as the user edits them. */
export interface SegLabSettings {
  openImageFiles: boolean;
  panZoom: PanZoomOptions;
  /** Action id -> keys, merged over napari's defaults (src/viewer/ui/shortcuts.ts). */
  shortcuts: ShortcutOverrides;
}

let current: SegLabSettings = { openImageFiles: true, panZoom: { ...DEFAULT_PAN_ZOOM }, shortcuts: {} };

export function currentSettings(): SegLabSettings {
  return current;
}

export function applySettings(settings: ISettingRegistry.ISettings): void {
  const get = <T>(key: string, fallback: T) => (settings.get(key).composite as T | undefined) ?? fallback;
  const checked = checkOverrides(get<unknown>('shortcuts', {}));
  current = {
    openImageFiles: get('openImageFiles', true),
    panZoom: {
      wheelZoomFactor: get('wheelZoomFactor', DEFAULT_PAN_ZOOM.wheelZoomFactor),
      keyPanStep: get('keyPanStep', DEFAULT_PAN_ZOOM.keyPanStep)
    },
    shortcuts: checked.overrides
  };
  for (const warning of checked.warnings) console.warn(`SegLab shortcuts setting: ${warning}`);
}

/**
 * The raw `models` list and `defaultModel` id (schema/plugin.json); src/compute/models
 * validates them (ModelService.applySettings), so a mistake in one model leaves the others
 * and every other setting working.
 */
export function readModelSettings(settings: ISettingRegistry.ISettings): { models: unknown; defaultModel: string | null } {
  const defaultModel = settings.get('defaultModel').composite;
  return { models: settings.get('models').composite ?? [], defaultModel: typeof defaultModel === 'string' && defaultModel !== '' ? defaultModel : null };
}
