// Covers src/viewer/ui/shortcuts.ts: key string parsing, event matching (CtrlCmd, Shift rules,
// macOS Alt), scope precedence, user overrides and their validation, tooltip formatting.
import {
  checkOverrides,
  DEFAULT_SHORTCUTS,
  findConflicts,
  formatKey,
  KeyEventLike,
  matchShortcut,
  modeActionId,
  modeOfAction,
  parseKey,
  shortcutTable,
  shortcutText,
  titleWithShortcut
} from '../shortcuts';

const key = (k: string, mods: Partial<KeyEventLike> = {}): KeyEventLike => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods
});

describe('parseKey', () => {
  it('reads modifiers and keys, case-insensitively, with aliases', () => {
    expect(parseKey('Ctrl+Shift+Z')).toEqual({ ctrl: true, shift: true, alt: false, key: 'z' });
    expect(parseKey('cmd+z')).toEqual({ ctrl: true, shift: false, alt: false, key: 'z' });
    expect(parseKey('Alt+Up')).toEqual({ ctrl: false, shift: false, alt: true, key: 'ArrowUp' });
    expect(parseKey('Del')?.key).toBe('Delete');
    expect(parseKey('Esc')?.key).toBe('Escape');
    expect(parseKey('Space')?.key).toBe(' ');
    expect(parseKey('[')?.key).toBe('[');
    expect(parseKey('F5')?.key).toBe('F5');
  });

  it('reads the plus key', () => {
    expect(parseKey('+')).toEqual({ ctrl: false, shift: false, alt: false, key: '+' });
    expect(parseKey('Ctrl++')).toEqual({ ctrl: true, shift: false, alt: false, key: '+' });
  });

  it('refuses what is not a key string', () => {
    for (const bad of ['', '  ', 'Ctrl+', 'Shift+', 'Hyper+A', 'Ctrl+Ctrl+A', 'NotAKey', 'F99']) {
      expect(parseKey(bad)).toBeNull();
    }
  });
});

describe('matchShortcut: napari defaults', () => {
  it('maps the labels digits to modes as napari 0.5 does', () => {
    const modes = ['erase', 'paint', 'polygon', 'fill', 'pick', 'pan_zoom'];
    modes.forEach((mode, i) => expect(matchShortcut(key(String(i + 1)), 'labels')).toBe(`labels.mode.${mode}`));
    expect(matchShortcut(key('m'), 'labels')).toBe('labels.new_label');
    expect(matchShortcut(key('['), 'labels')).toBe('labels.decrease_brush_size');
    expect(matchShortcut(key(']'), 'labels')).toBe('labels.increase_brush_size');
    expect(matchShortcut(key('b'), 'labels')).toBe('labels.toggle_preserve_labels');
    // napari's newer letter aliases of the modes
    expect(matchShortcut(key('e'), 'labels')).toBe('labels.mode.erase');
    expect(matchShortcut(key('p'), 'labels')).toBe('labels.mode.paint');
    expect(matchShortcut(key('f'), 'labels')).toBe('labels.mode.fill');
    expect(matchShortcut(key('l'), 'labels')).toBe('labels.mode.pick');
    expect(matchShortcut(key('z'), 'labels')).toBe('labels.mode.pan_zoom');
    expect(matchShortcut(key('='), 'labels')).toBe('labels.increase_label_id');
    expect(matchShortcut(key('-'), 'labels')).toBe('labels.decrease_label_id');
  });

  it('maps points and shapes keys', () => {
    expect(matchShortcut(key('2'), 'points')).toBe('points.mode.add');
    expect(matchShortcut(key('3'), 'points')).toBe('points.mode.select');
    expect(matchShortcut(key('4'), 'points')).toBe('points.mode.pan_zoom');
    expect(matchShortcut(key('Delete'), 'points')).toBe('points.delete_selected');
    expect(matchShortcut(key('Backspace'), 'points')).toBe('points.delete_selected');
    expect(matchShortcut(key('r'), 'shapes')).toBe('shapes.mode.add_rectangle');
    expect(matchShortcut(key('e'), 'shapes')).toBe('shapes.mode.add_ellipse');
    expect(matchShortcut(key('l'), 'shapes')).toBe('shapes.mode.add_line');
    expect(matchShortcut(key('t'), 'shapes')).toBe('shapes.mode.add_path');
    expect(matchShortcut(key('p'), 'shapes')).toBe('shapes.mode.add_polygon');
    expect(matchShortcut(key('5'), 'shapes')).toBe('shapes.mode.select');
    expect(matchShortcut(key('4'), 'shapes')).toBe('shapes.mode.direct');
    expect(matchShortcut(key('6'), 'shapes')).toBe('shapes.mode.pan_zoom');
    expect(matchShortcut(key('Delete'), 'shapes')).toBe('shapes.delete_selected');
  });

  it('only offers a layer kind its own bindings', () => {
    expect(matchShortcut(key('m'), 'points')).toBeNull();
    expect(matchShortcut(key('r'), 'labels')).toBeNull();
    expect(matchShortcut(key('2'), 'image')).toBeNull();
    expect(matchShortcut(key('1'), 'image')).toBe('image.mode.pan_zoom');
    expect(matchShortcut(key('2'), null)).toBeNull();
  });

  it('maps viewer keys for every layer kind and with no layer', () => {
    for (const kind of [null, 'image', 'labels', 'points', 'shapes'] as const) {
      expect(matchShortcut(key('z', { ctrlKey: true }), kind)).toBe('viewer.undo');
      expect(matchShortcut(key('Z', { ctrlKey: true, shiftKey: true }), kind)).toBe('viewer.redo');
      expect(matchShortcut(key('y', { ctrlKey: true }), kind)).toBe('viewer.redo');
      expect(matchShortcut(key('ArrowLeft'), kind)).toBe('viewer.previous_slice');
      expect(matchShortcut(key('ArrowRight'), kind)).toBe('viewer.next_slice');
      expect(matchShortcut(key('Home'), kind)).toBe('viewer.reset_view');
    }
    expect(matchShortcut(key('r', { ctrlKey: true }), 'shapes')).toBe('viewer.reset_view');
    expect(matchShortcut(key('e', { ctrlKey: true }), null)).toBe('viewer.roll_axes');
    expect(matchShortcut(key('t', { altKey: true }), null)).toBe('viewer.transpose_axes');
    expect(matchShortcut(key('Y', { ctrlKey: true, shiftKey: true }), null)).toBe('viewer.toggle_ortho_views');
    expect(matchShortcut(key('ArrowUp', { altKey: true }), null)).toBe('viewer.focus_axes_up');
    expect(matchShortcut(key('V', { shiftKey: true }), 'image')).toBe('viewer.toggle_unselected_visibility');
    expect(matchShortcut(key(' '), 'labels')).toBe('viewer.hold_pan_zoom');
  });

  it('treats Cmd as Ctrl (napari CtrlCmd) and requires modifiers to match exactly', () => {
    expect(matchShortcut(key('z', { metaKey: true }), null)).toBe('viewer.undo');
    expect(matchShortcut(key('z'), null)).toBeNull();
    expect(matchShortcut(key('z', { ctrlKey: true, altKey: true }), null)).toBeNull();
    expect(matchShortcut(key('2', { ctrlKey: true }), 'labels')).toBeNull();
    expect(matchShortcut(key('m', { altKey: true }), 'labels')).toBeNull();
    expect(matchShortcut(key('M', { shiftKey: true }), 'labels')).toBeNull(); // Shift matters for letters
    expect(matchShortcut(key('ArrowLeft', { shiftKey: true }), null)).toBeNull(); // and named keys
  });

  it('lets punctuation ignore Shift, since the character encodes it', () => {
    // '+' is Shift+'=' on a US layout, '=' is Shift+'0' on a German one.
    expect(matchShortcut(key('=', { shiftKey: true }), 'labels')).toBe('labels.increase_label_id');
    expect(matchShortcut(key('{', { shiftKey: true }), 'labels')).toBeNull();
    expect(matchShortcut(key('!', { shiftKey: true }), 'labels')).toBeNull(); // Shift+1 is not 1
  });

  it('uses the physical key with Alt on macOS', () => {
    expect(matchShortcut(key('†', { altKey: true, code: 'KeyT' }), null)).toBe('viewer.transpose_axes');
    expect(matchShortcut(key('Dead', { altKey: true, code: 'KeyT' }), null)).toBe('viewer.transpose_axes');
  });

  it('ignores lone modifier presses', () => {
    for (const k of ['Control', 'Shift', 'Alt', 'Meta']) expect(matchShortcut(key(k, { ctrlKey: true }), 'labels')).toBeNull();
  });
});

describe('user overrides', () => {
  it('replace an action\'s keys, and several keys can be given', () => {
    const overrides = { 'labels.mode.paint': 'P Shift+P' };
    expect(matchShortcut(key('p'), 'labels', overrides)).toBe('labels.mode.paint');
    expect(matchShortcut(key('P', { shiftKey: true }), 'labels', overrides)).toBe('labels.mode.paint');
    expect(matchShortcut(key('2'), 'labels', overrides)).toBeNull();
    expect(shortcutText('labels.mode.paint', overrides)).toBe('P or Shift+P');
  });

  it('an empty string disables an action', () => {
    expect(matchShortcut(key('ArrowLeft'), null, { 'viewer.previous_slice': '' })).toBeNull();
    expect(shortcutText('viewer.previous_slice', { 'viewer.previous_slice': '' })).toBe('');
  });

  it('win over defaults on the same key, even across scopes', () => {
    // The user gives '2' to reset view: it wins over the labels default for '2'.
    expect(matchShortcut(key('2'), 'labels', { 'viewer.reset_view': '2' })).toBe('viewer.reset_view');
    // A layer-scope override beats a viewer-scope override of the same key.
    const both = { 'viewer.reset_view': 'Q', 'labels.mode.fill': 'Q' };
    expect(matchShortcut(key('q'), 'labels', both)).toBe('labels.mode.fill');
    expect(matchShortcut(key('q'), 'points', both)).toBe('viewer.reset_view');
  });

  it('checkOverrides keeps the usable entries and explains the rest', () => {
    const { overrides, warnings } = checkOverrides({
      'viewer.undo': 'Ctrl+U',
      'no.such': 'A',
      'labels.mode.paint': 42,
      'labels.mode.fill': 'Hyper+F',
      'labels.mode.pick': 'M'
    });
    expect(overrides).toEqual({ 'viewer.undo': 'Ctrl+U', 'labels.mode.pick': 'M' });
    expect(warnings.some(w => w.includes('no.such'))).toBe(true);
    expect(warnings.some(w => w.includes('labels.mode.paint'))).toBe(true);
    expect(warnings.some(w => w.includes('Hyper+F'))).toBe(true);
    // 'M' is also the new-label key: reported, and the user's choice wins.
    expect(warnings.some(w => w.includes('labels.new_label') && w.includes('labels.mode.pick wins'))).toBe(true);
    expect(checkOverrides(undefined)).toEqual({ overrides: {}, warnings: [] });
    expect(checkOverrides('Ctrl+Z').warnings).toHaveLength(1);
  });

  it('findConflicts is silent for the defaults', () => {
    expect(findConflicts()).toEqual([]);
  });
});

describe('the default table', () => {
  it('has unique ids, valid keys and a description for every action', () => {
    const ids = DEFAULT_SHORTCUTS.map(s => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const s of DEFAULT_SHORTCUTS) {
      expect(s.keys.length).toBeGreaterThan(0);
      for (const k of s.keys) expect(parseKey(k)).not.toBeNull();
      expect(s.description).not.toBe('');
      expect(s.id.startsWith(`${s.scope}.`)).toBe(true);
    }
  });

  it('has no key bound twice within what one layer kind sees, apart from layer-over-viewer', () => {
    for (const kind of ['image', 'labels', 'points', 'shapes']) {
      for (const scope of [kind, 'viewer']) {
        const chords = DEFAULT_SHORTCUTS.filter(s => s.scope === scope).flatMap(s => s.keys.map(k => JSON.stringify(parseKey(k))));
        expect(new Set(chords).size).toBe(chords.length);
      }
    }
  });

  it('every mode action names its kind and mode', () => {
    expect(modeActionId('labels', 'paint')).toBe('labels.mode.paint');
    expect(modeOfAction('shapes.mode.add_rectangle')).toEqual(['shapes', 'add_rectangle']);
    expect(modeOfAction('viewer.undo')).toBeNull();
  });

  it('shortcutTable reflects overrides', () => {
    const row = shortcutTable({ 'viewer.undo': 'Ctrl+U' }).find(r => r.id === 'viewer.undo');
    expect(row?.keys).toEqual(['Ctrl+U']);
  });
});

describe('formatting for tooltips', () => {
  it('formats key strings for Windows/Linux and macOS', () => {
    expect(formatKey('ctrl+shift+z')).toBe('Ctrl+Shift+Z');
    expect(formatKey('Ctrl+Shift+Z', true)).toBe('⌘⇧Z');
    expect(formatKey('Alt+ArrowUp')).toBe('Alt+Up');
    expect(formatKey('Space')).toBe('Space');
    expect(formatKey('[')).toBe('[');
    expect(formatKey('not a key')).toBe('not a key');
  });

  it('adds the shortcut to a title', () => {
    expect(titleWithShortcut('Paint', 'labels.mode.paint')).toBe('Paint (2 or P)');
    expect(titleWithShortcut('Redo', 'viewer.redo')).toBe('Redo (Ctrl+Shift+Z or Ctrl+Y)');
    expect(titleWithShortcut('Paint', 'labels.mode.paint', { 'labels.mode.paint': '' })).toBe('Paint');
  });
});

describe('the settings schema', () => {
  const schema = require('../../../../schema/plugin.json');
  const property = schema.properties.shortcuts;

  it('declares shortcuts as an object of strings, empty by default', () => {
    expect(property.type).toBe('object');
    expect(property.additionalProperties).toEqual({ type: 'string' });
    expect(property.default).toEqual({});
  });

  it('documents every action id', () => {
    // "labels.mode.<erase|paint>" in the description stands for labels.mode.erase and labels.mode.paint.
    const documented = new Set<string>();
    for (const m of (property.description as string).matchAll(/([a-z_]+(?:\.[a-z_]+)*)(?:\.<([a-z_|]+)>)?/g)) {
      if (m[2]) for (const alt of m[2].split('|')) documented.add(`${m[1]}.${alt}`);
      else documented.add(m[1]);
    }
    for (const action of DEFAULT_SHORTCUTS) expect([action.id, documented.has(action.id)]).toEqual([action.id, true]);
  });
});
