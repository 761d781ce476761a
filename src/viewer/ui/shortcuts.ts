/**
 * SegLab's key bindings, as a plain table, and a pure matcher from a keyboard event to an action
 * id. The defaults are napari's (napari/utils/shortcuts.py: the 0.5 digit keys for modes plus
 * the letter aliases napari's main branch added) wherever a browser lets a page have the key.
 * No DOM here, so the table and the matching rules are unit-tested.
 *
 * A key string is modifiers and one key joined by '+': "Ctrl+Shift+Z", "Alt+ArrowUp", "[",
 * "Delete". "Ctrl" means napari's CtrlCmd: Ctrl on Windows/Linux, Cmd on macOS ("Cmd", "Meta",
 * "Mod" and "Control" are accepted as the same). Keys are matched on `event.key`, letters case-
 * insensitively; Shift is significant for letters and named keys, but not for punctuation (the
 * character already says whether Shift was held: '+' is Shift+'=' on a US keyboard).
 *
 * User settings override per action id: a string of key strings separated by spaces replaces
 * the action's default keys ("Ctrl+Shift+Z Ctrl+Y"), and an empty string disables it.
 */
import type { LayerKind } from '../model/layerBase';

/**
 * Where a binding is active: for every layer, only while a layer of that kind is selected, or
 * (`segment`) while the segment tool is on, where it wins over the layer's keys as micro-sam's
 * annotator keys do over napari's.
 */
export type ShortcutScope = 'viewer' | 'segment' | LayerKind;

export interface ShortcutAction {
  /** `<scope>.<action>`; modes are `<kind>.mode.<mode>` with napari's mode name. */
  readonly id: string;
  readonly scope: ShortcutScope;
  readonly keys: readonly string[];
  readonly description: string;
}

const action = (id: string, keys: string[], description: string): ShortcutAction => ({
  id,
  scope: id.slice(0, id.indexOf('.')) as ShortcutScope,
  keys,
  description
});

/** The default table. Layer scopes win over 'viewer' when the same key is bound in both. */
export const DEFAULT_SHORTCUTS: readonly ShortcutAction[] = [
  // Viewer. Undo/redo are napari's labels keys, here for every kind through the shared history.
  action('viewer.undo', ['Ctrl+Z'], 'Undo'),
  action('viewer.redo', ['Ctrl+Shift+Z', 'Ctrl+Y'], 'Redo'),
  action('viewer.reset_view', ['Ctrl+R', 'Home'], 'Reset view'),
  // napari's Ctrl+T opens a new tab in every browser before a page sees it.
  action('viewer.transpose_axes', ['Alt+T'], 'Transpose the displayed axes'),
  action('viewer.roll_axes', ['Ctrl+E'], 'Roll axes'),
  // napari's Ctrl+Y toggles 2D/3D; here Ctrl+Y is redo, so the orthogonal views take Shift too.
  action('viewer.toggle_ortho_views', ['Ctrl+Shift+Y'], 'Toggle orthogonal views'),
  action('viewer.previous_slice', ['ArrowLeft'], 'Previous slice on the current slider axis'),
  action('viewer.next_slice', ['ArrowRight'], 'Next slice on the current slider axis'),
  action('viewer.focus_axes_up', ['Alt+ArrowUp'], 'Make the slider above the current axis'),
  action('viewer.focus_axes_down', ['Alt+ArrowDown'], 'Make the slider below the current axis'),
  action('viewer.toggle_selected_visibility', ['V'], 'Show/hide the selected layers'),
  action('viewer.toggle_unselected_visibility', ['Shift+V'], 'Show/hide the other layers'),
  action('viewer.delete_selected_layers', ['Ctrl+Delete', 'Ctrl+Backspace'], 'Delete the selected layers'),
  action('viewer.select_layer_above', ['Ctrl+ArrowUp'], 'Select the layer above'),
  action('viewer.select_layer_below', ['Ctrl+ArrowDown'], 'Select the layer below'),
  action('viewer.show_only_layer_above', ['Shift+Alt+ArrowUp'], 'Select and show only the layer above'),
  action('viewer.show_only_layer_below', ['Shift+Alt+ArrowDown'], 'Select and show only the layer below'),
  action('viewer.hold_pan_zoom', ['Space'], 'Hold to pan/zoom in any mode'),
  // Image
  action('image.mode.pan_zoom', ['1'], 'Pan/zoom'),
  // Labels
  action('labels.mode.erase', ['1', 'E'], 'Erase'),
  action('labels.mode.paint', ['2', 'P'], 'Paint'),
  action('labels.mode.polygon', ['3'], 'Polygon'),
  action('labels.mode.fill', ['4', 'F'], 'Fill'),
  action('labels.mode.pick', ['5', 'L'], 'Pick a label'),
  action('labels.mode.pan_zoom', ['6', 'Z'], 'Pan/zoom'),
  action('labels.new_label', ['M'], 'New label (first unused id)'),
  action('labels.decrease_label_id', ['-'], 'Previous label id'),
  action('labels.increase_label_id', ['='], 'Next label id'),
  action('labels.decrease_brush_size', ['['], 'Smaller brush'),
  action('labels.increase_brush_size', [']'], 'Larger brush'),
  action('labels.toggle_preserve_labels', ['B'], 'Toggle preserve labels'),
  action('labels.complete_polygon', ['Enter'], 'Finish the polygon'),
  action('labels.reset_polygon', ['Escape'], 'Discard the polygon being drawn'),
  // Points
  action('points.delete_selected', ['Delete', 'Backspace', '1'], 'Delete the selected points'),
  action('points.mode.add', ['2', 'P'], 'Add points'),
  action('points.mode.select', ['3', 'S'], 'Select points'),
  action('points.mode.pan_zoom', ['4', 'Z'], 'Pan/zoom'),
  action('points.select_all_in_slice', ['A'], 'Select all points in the slice'),
  action('points.select_append_in_slice', ['Shift+A'], 'Add the points in the slice to the selection'),
  action('points.select_all', ['Ctrl+A'], 'Select all points'),
  // Shapes
  action('shapes.mode.vertex_remove', ['1', 'X'], 'Remove vertex'),
  action('shapes.mode.vertex_insert', ['2', 'I'], 'Insert vertex'),
  action('shapes.delete_selected', ['Delete', 'Backspace', '3'], 'Delete the selected shapes'),
  action('shapes.mode.direct', ['4', 'D'], 'Select vertices'),
  action('shapes.mode.select', ['5', 'S'], 'Select shapes'),
  action('shapes.mode.pan_zoom', ['6', 'Z'], 'Pan/zoom'),
  action('shapes.mode.add_rectangle', ['R'], 'Add rectangles'),
  action('shapes.mode.add_ellipse', ['E'], 'Add ellipses'),
  action('shapes.mode.add_line', ['L'], 'Add lines'),
  action('shapes.mode.add_path', ['T'], 'Add paths'),
  action('shapes.mode.add_polygon', ['P'], 'Add polygons'),
  action('shapes.select_all', ['A', 'Ctrl+A'], 'Select all shapes in the slice'),
  action('shapes.move_to_front', ['F'], 'Move the selected shapes to the front'),
  action('shapes.move_to_back', ['B'], 'Move the selected shapes to the back'),
  action('shapes.finish_drawing', ['Enter', 'Escape'], 'Finish the shape being drawn'),
  // Segment tool (micro-sam's annotator keys)
  action('segment.segment', ['S'], 'Segment the object from the prompts now'),
  action('segment.commit', ['C'], 'Commit the current object to committed_objects'),
  action('segment.clear', ['Shift+C'], 'Clear the prompts and the current object'),
  action('segment.toggle_label', ['T'], 'Switch the point prompt between positive and negative'),
  action('segment.propagate', ['Shift+S'], 'Segment the object through all slices (3D/time)')
];

const BY_ID = new Map(DEFAULT_SHORTCUTS.map(action => [action.id, action]));

/** User settings: action id -> space-separated key strings ('' disables the action). */
export type ShortcutOverrides = Readonly<Record<string, string>>;

/** What matchShortcut reads from a KeyboardEvent; `code` only helps with Alt on macOS. */
export interface KeyEventLike {
  key: string;
  code?: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/** A parsed key string. `ctrl` is CtrlCmd. `key` is lower case for single characters. */
export interface KeyChord {
  ctrl: boolean;
  shift: boolean;
  alt: boolean;
  key: string;
}

const KEY_ALIASES: Record<string, string> = {
  left: 'ArrowLeft',
  right: 'ArrowRight',
  up: 'ArrowUp',
  down: 'ArrowDown',
  arrowleft: 'ArrowLeft',
  arrowright: 'ArrowRight',
  arrowup: 'ArrowUp',
  arrowdown: 'ArrowDown',
  del: 'Delete',
  delete: 'Delete',
  backspace: 'Backspace',
  esc: 'Escape',
  escape: 'Escape',
  enter: 'Enter',
  return: 'Enter',
  space: ' ',
  spacebar: ' ',
  tab: 'Tab',
  home: 'Home',
  end: 'End',
  pageup: 'PageUp',
  pagedown: 'PageDown',
  insert: 'Insert',
  plus: '+',
  minus: '-'
};

const MODIFIERS: Record<string, 'ctrl' | 'shift' | 'alt'> = {
  ctrl: 'ctrl',
  control: 'ctrl',
  cmd: 'ctrl',
  command: 'ctrl',
  meta: 'ctrl',
  mod: 'ctrl',
  ctrlcmd: 'ctrl',
  shift: 'shift',
  alt: 'alt',
  option: 'alt'
};

function normalizeKeyName(name: string): string | null {
  if (name.length === 1) return name === ' ' ? ' ' : name.toLowerCase();
  const lower = name.toLowerCase();
  if (lower in KEY_ALIASES) return KEY_ALIASES[lower];
  if (/^f([1-9]|1[0-9]|2[0-4])$/.test(lower)) return lower.toUpperCase();
  return null;
}

/**
 * Parses "Ctrl+Shift+Z" into a chord, or null when it is not a valid key string. A trailing '+'
 * is the plus key ("Ctrl++").
 */
export function parseKey(text: string): KeyChord | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  // A '+' key is the last part when the string is "+" or ends in "++" ("Ctrl++").
  const plusKey = trimmed === '+' || trimmed.endsWith('++');
  const parts = plusKey ? [...trimmed.slice(0, -1).split('+').slice(0, -1), '+'] : trimmed.split('+');
  const chord: KeyChord = { ctrl: false, shift: false, alt: false, key: '' };
  for (let i = 0; i < parts.length - 1; i++) {
    const mod = MODIFIERS[parts[i].trim().toLowerCase()];
    if (!mod || chord[mod]) return null;
    chord[mod] = true;
  }
  const last = parts[parts.length - 1].trim();
  const key = last === '' ? null : normalizeKeyName(last);
  if (key === null) return null;
  chord.key = key;
  return chord;
}

const MODIFIER_KEYS = new Set(['Control', 'Shift', 'Alt', 'Meta', 'AltGraph', 'OS']);

/** The key of an event in the form parseKey gives, or null for a lone modifier press. */
function eventKey(event: KeyEventLike): string | null {
  if (MODIFIER_KEYS.has(event.key)) return null;
  // macOS turns Alt+T into '†' (or a dead key): use the physical key for letters and digits.
  if (event.altKey && event.code) {
    const m = /^(?:Key([A-Z])|Digit([0-9]))$/.exec(event.code);
    if (m) return (m[1] ?? m[2]).toLowerCase();
  }
  return normalizeKeyName(event.key);
}

const isLetter = (key: string) => key.length === 1 && key.toLowerCase() !== key.toUpperCase();

/** Whether an event is the chord. */
export function chordMatches(chord: KeyChord, event: KeyEventLike): boolean {
  const key = eventKey(event);
  if (key === null || key !== chord.key) return false;
  if (chord.ctrl !== (event.ctrlKey || event.metaKey)) return false;
  if (chord.alt !== event.altKey) return false;
  // Punctuation and digits: the character itself already encodes Shift ('{' vs '['), and
  // keyboard layouts differ in which characters need it.
  const shiftMatters = chord.shift || key.length > 1 || isLetter(key);
  return !shiftMatters || chord.shift === event.shiftKey;
}

/** The key strings of every action after the overrides (unknown ids ignored). */
export function resolvedKeys(overrides: ShortcutOverrides = {}): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const action of DEFAULT_SHORTCUTS) {
    const override = overrides[action.id];
    out.set(action.id, typeof override === 'string' ? splitKeys(override) : [...action.keys]);
  }
  return out;
}

function splitKeys(text: string): string[] {
  return text.split(/\s+/).filter(k => k !== '');
}

interface CompiledBinding {
  id: string;
  scope: ShortcutScope;
  chord: KeyChord;
  overridden: boolean;
}

// Keyed by the overrides object: settings change rarely, key presses often.
const compiledCache = new WeakMap<object, CompiledBinding[]>();
const EMPTY_OVERRIDES: ShortcutOverrides = Object.freeze({});

function compile(overrides: ShortcutOverrides): CompiledBinding[] {
  let bindings = compiledCache.get(overrides);
  if (bindings) return bindings;
  bindings = [];
  for (const [id, keys] of resolvedKeys(overrides)) {
    const scope = BY_ID.get(id)!.scope;
    const overridden = typeof overrides[id] === 'string';
    for (const key of keys) {
      const chord = parseKey(key);
      if (chord) bindings.push({ id, scope, chord, overridden });
    }
  }
  compiledCache.set(overrides, bindings);
  return bindings;
}

/**
 * The action a key press triggers while a layer of `layerKind` is selected (null: none), or
 * null. Precedence: bindings the user set, then the layer's defaults, then the viewer's
 * (napari looks in the layer's keymap before the viewer's); within those, table order.
 */
export function matchShortcut(
  event: KeyEventLike,
  layerKind: LayerKind | null,
  overrides: ShortcutOverrides = EMPTY_OVERRIDES,
  segmenting = false
): string | null {
  let best: { id: string; rank: number } | null = null;
  for (const binding of compile(overrides)) {
    const segment = binding.scope === 'segment';
    if (segment ? !segmenting : binding.scope !== 'viewer' && binding.scope !== layerKind) continue;
    if (!chordMatches(binding.chord, event)) continue;
    const scopeRank = segment ? 0 : binding.scope === 'viewer' ? 2 : 1;
    const rank = (binding.overridden ? 0 : 3) + scopeRank;
    if (!best || rank < best.rank) best = { id: binding.id, rank };
  }
  return best ? best.id : null;
}

/** Formats a key string for a tooltip: "Ctrl+Shift+Z", or "⌘⇧Z" on macOS. */
export function formatKey(text: string, mac = false): string {
  const chord = parseKey(text);
  if (!chord) return text;
  const named: Record<string, string> = {
    ' ': 'Space',
    ArrowLeft: mac ? '←' : 'Left',
    ArrowRight: mac ? '→' : 'Right',
    ArrowUp: mac ? '↑' : 'Up',
    ArrowDown: mac ? '↓' : 'Down',
    Delete: mac ? '⌦' : 'Delete',
    Backspace: mac ? '⌫' : 'Backspace',
    Escape: mac ? '⎋' : 'Esc'
  };
  const key = named[chord.key] ?? (chord.key.length === 1 ? chord.key.toUpperCase() : chord.key);
  if (mac) return `${chord.ctrl ? '⌘' : ''}${chord.alt ? '⌥' : ''}${chord.shift ? '⇧' : ''}${key}`;
  return [chord.ctrl && 'Ctrl', chord.alt && 'Alt', chord.shift && 'Shift', key].filter(Boolean).join('+');
}

/** "Ctrl+Z" / "Ctrl+Shift+Z or Ctrl+Y" for a tooltip; '' when the action has no key. */
export function shortcutText(id: string, overrides: ShortcutOverrides = EMPTY_OVERRIDES, mac = false): string {
  return (resolvedKeys(overrides).get(id) ?? []).map(k => formatKey(k, mac)).join(' or ');
}

/** A title with its shortcut: "Paint (2)". */
export function titleWithShortcut(title: string, id: string, overrides: ShortcutOverrides = EMPTY_OVERRIDES, mac = false): string {
  const keys = shortcutText(id, overrides, mac);
  return keys ? `${title} (${keys})` : title;
}

export interface OverrideCheck {
  /** The entries that can be used (unknown ids and unparsable keys left out). */
  overrides: Record<string, string>;
  /** One line per problem, to show the user. */
  warnings: string[];
}

/**
 * Validates the `shortcuts` setting: keeps string values for known action ids whose keys all
 * parse, and reports the rest and any key bound to two actions that can be active together.
 */
export function checkOverrides(raw: unknown): OverrideCheck {
  const overrides: Record<string, string> = {};
  const warnings: string[] = [];
  if (raw === undefined || raw === null) return { overrides, warnings };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return { overrides, warnings: [`expected shortcuts to be an object of action id -> keys, got ${JSON.stringify(raw)}`] };
  }
  for (const [id, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!BY_ID.has(id)) {
      warnings.push(`unknown shortcut action "${id}"`);
    } else if (typeof value !== 'string') {
      warnings.push(`expected a string of keys for "${id}", got ${JSON.stringify(value)}`);
    } else {
      const bad = splitKeys(value).filter(k => parseKey(k) === null);
      if (bad.length) warnings.push(`cannot read the key${bad.length > 1 ? 's' : ''} ${bad.map(k => JSON.stringify(k)).join(', ')} for "${id}"`);
      else overrides[id] = value;
    }
  }
  warnings.push(...findConflicts(overrides));
  return { overrides, warnings };
}

/** Keys bound to two actions of one scope, or of a layer scope and the viewer, after overrides. */
export function findConflicts(overrides: ShortcutOverrides = EMPTY_OVERRIDES): string[] {
  const seen = new Map<string, string[]>();
  for (const b of compile(overrides)) {
    const sig = `${b.chord.ctrl}|${b.chord.alt}|${b.chord.shift}|${b.chord.key}`;
    for (const scope of b.scope === 'viewer' || b.scope === 'segment' ? ['image', 'labels', 'points', 'shapes'] : [b.scope]) {
      const list = seen.get(`${scope}|${sig}`) ?? [];
      if (!list.includes(b.id)) list.push(b.id);
      seen.set(`${scope}|${sig}`, list);
    }
  }
  const out = new Set<string>();
  for (const [where, ids] of seen) {
    const overridden = ids.filter(id => typeof overrides[id] === 'string');
    // Defaults that shadow each other on purpose (layer over viewer) are not reported.
    if (ids.length > 1 && overridden.length > 0) {
      const [scope] = where.split('|');
      out.add(`in ${scope} layers, ${ids.join(' and ')} share a key; ${overridden[0]} wins`);
    }
  }
  return [...out];
}

/** The action id that sets a layer mode, e.g. ('labels', 'paint') -> 'labels.mode.paint'. */
export function modeActionId(kind: LayerKind, mode: string): string {
  return `${kind}.mode.${mode}`;
}

/** The [kind, mode] a mode action sets, or null when `id` is not a mode action. */
export function modeOfAction(id: string): [LayerKind, string] | null {
  const m = /^(image|labels|points|shapes)\.mode\.(.+)$/.exec(id);
  return m ? [m[1] as LayerKind, m[2]] : null;
}

/** Every action, for a help table: id, scope, keys after overrides, description. */
export function shortcutTable(overrides: ShortcutOverrides = EMPTY_OVERRIDES): Array<ShortcutAction> {
  const keys = resolvedKeys(overrides);
  return DEFAULT_SHORTCUTS.map(action => ({ ...action, keys: keys.get(action.id) ?? [] }));
}
