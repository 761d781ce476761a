// Covers src/viewer/ui/toolModes.ts: the toolbar offers every mode each layer class has, and
// tool buttons and mode shortcuts name the same actions.
import { LABELS_MODES } from '../../model/labelsLayer';
import { POINTS_MODES } from '../../model/pointsLayer';
import { SHAPES_MODES } from '../../model/shapesLayer';
import { DEFAULT_SHORTCUTS, modeOfAction } from '../shortcuts';
import { TOOL_MODES, toolModesFor } from '../toolModes';

const modes = (kind: keyof typeof TOOL_MODES) => TOOL_MODES[kind].map(t => t.mode).sort();

describe('TOOL_MODES', () => {
  it('has a button for every mode of every layer class, pan/zoom first', () => {
    expect(modes('labels')).toEqual([...LABELS_MODES].sort());
    expect(modes('points')).toEqual([...POINTS_MODES].sort());
    expect(modes('shapes')).toEqual([...SHAPES_MODES].sort());
    expect(modes('image')).toEqual(['pan_zoom']);
    for (const kind of ['image', 'labels', 'points', 'shapes'] as const) expect(TOOL_MODES[kind][0].mode).toBe('pan_zoom');
  });

  it('every tool has a shortcut action and every mode shortcut a tool', () => {
    const ids = new Set(DEFAULT_SHORTCUTS.map(s => s.id));
    for (const tools of Object.values(TOOL_MODES)) for (const t of tools) expect(ids.has(t.actionId)).toBe(true);
    for (const s of DEFAULT_SHORTCUTS) {
      const mode = modeOfAction(s.id);
      if (mode) expect(TOOL_MODES[mode[0]].some(t => t.mode === mode[1])).toBe(true);
    }
  });

  it('offers no tools without an active layer', () => {
    expect(toolModesFor(null)).toEqual([]);
    expect(toolModesFor('points')).toBe(TOOL_MODES.points);
  });
});
