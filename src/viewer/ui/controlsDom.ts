/**
 * Small DOM builders shared by the panels. Every text that may come from a user (layer names,
 * axis labels) goes in through textContent or setAttribute, never innerHTML. Each control
 * reads its value from the model through `get` and writes through `set`; `sync()` re-reads,
 * so the model stays the only owner of the state.
 */
import { createIcon, IconName } from './icons';

let nextId = 0;

/** A document-unique id for label/aria wiring (never built from user text). */
export function uniqueId(prefix: string): string {
  return `jp-SegLab-${prefix}-${++nextId}`;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A button labelled with text (a workflow's toolbar and bar buttons); `text` and `title` are set as text. */
export function textButton(text: string, title: string, onClick: () => void): HTMLButtonElement {
  const b = el('button', 'jp-SegLab-textButton', text);
  b.type = 'button';
  b.title = title;
  b.addEventListener('click', onClick);
  return b;
}

export interface IconButtonOptions {
  icon: IconName;
  /** The accessible name; also the tooltip unless `title` is given. */
  label: string;
  title?: string;
  onClick: (event: MouseEvent) => void;
  /** A toggle button: has aria-pressed. */
  pressed?: boolean;
  className?: string;
}

export function iconButton(options: IconButtonOptions): HTMLButtonElement {
  const button = el('button', `jp-SegLab-iconButton${options.className ? ` ${options.className}` : ''}`);
  button.type = 'button';
  button.setAttribute('aria-label', options.label);
  button.title = options.title ?? options.label;
  if (options.pressed !== undefined) button.setAttribute('aria-pressed', String(options.pressed));
  button.appendChild(createIcon(options.icon));
  button.addEventListener('click', options.onClick);
  return button;
}

/** A control bound to one model property. */
export interface BoundControl {
  /** The row to insert (label + control). */
  readonly node: HTMLElement;
  /** Re-reads the value from the model. */
  sync(): void;
}

/** Reports a refused value (the model throws on invalid input) instead of losing it silently. */
export type MessageSink = (text: string, isError: boolean) => void;

function row(labelText: string, control: HTMLElement, extra: HTMLElement[] = []): HTMLElement {
  const node = el('div', 'jp-SegLab-controlRow');
  const label = el('label', 'jp-SegLab-controlLabel', labelText);
  control.id = uniqueId('control');
  label.htmlFor = control.id;
  node.append(label, control, ...extra);
  return node;
}

/** Runs a model write; a refusal (validation error) goes to `report` and the control re-syncs. */
function attempt(write: () => void, report: MessageSink, sync: () => void): void {
  try {
    write();
  } catch (err) {
    report(String((err as Error).message ?? err), true);
    sync();
  }
}

export interface SliderOptions {
  min: number;
  max: number | (() => number);
  step: number;
  get: () => number;
  /** Called while the slider moves: for display state that records no undo step. */
  set: (value: number) => void;
  /** Called once when the user lets go: for edits that record an undo step. */
  commit?: (value: number) => void;
  /** Text next to the slider and in aria-valuetext. */
  format?: (value: number) => string;
}

export function sliderControl(label: string, options: SliderOptions, report: MessageSink): BoundControl {
  const input = el('input', 'jp-SegLab-slider');
  input.type = 'range';
  input.min = String(options.min);
  input.step = String(options.step);
  const output = el('output', 'jp-SegLab-sliderValue');
  output.setAttribute('aria-hidden', 'true'); // the slider's aria-valuetext says the same
  const format = options.format ?? String;
  const sync = () => {
    const value = options.get();
    const max = typeof options.max === 'function' ? options.max() : options.max;
    input.max = String(max);
    if (input.valueAsNumber !== value) input.value = String(value);
    output.textContent = format(value);
    input.setAttribute('aria-valuetext', format(value));
  };
  input.addEventListener('input', () => attempt(() => options.set(input.valueAsNumber), report, sync));
  const commit = options.commit;
  if (commit) input.addEventListener('change', () => attempt(() => commit(input.valueAsNumber), report, sync));
  const node = row(label, input, [output]);
  output.htmlFor.add(input.id);
  sync();
  return { node, sync };
}

export function selectControl<T extends string>(
  label: string,
  choices: readonly T[] | ReadonlyArray<readonly [T, string]>,
  get: () => T,
  set: (value: T) => void,
  report: MessageSink
): BoundControl & { select: HTMLSelectElement } {
  const select = el('select', 'jp-SegLab-select');
  for (const choice of choices) {
    const [value, text] = typeof choice === 'string' ? [choice, choice] : choice;
    const option = el('option', undefined, text);
    option.value = value;
    select.appendChild(option);
  }
  const sync = () => {
    select.value = get();
  };
  select.addEventListener('change', () => attempt(() => set(select.value as T), report, sync));
  sync();
  return { node: row(label, select), sync, select };
}

export function checkboxControl(label: string, get: () => boolean, set: (value: boolean) => void, report: MessageSink): BoundControl {
  const input = el('input', 'jp-SegLab-checkbox');
  input.type = 'checkbox';
  const sync = () => {
    input.checked = get();
  };
  input.addEventListener('change', () => attempt(() => set(input.checked), report, sync));
  sync();
  const node = row(label, input);
  node.classList.add('jp-SegLab-checkboxRow');
  return { node, sync };
}

export interface TextControlOptions {
  get: () => string;
  /** Returns an error text to refuse the value, or nothing to accept it. */
  set: (text: string) => string | void;
  /** inputmode / type hints. */
  numeric?: boolean;
  extra?: HTMLElement[];
}

/** A text/number field committed on Enter or blur; Escape restores the model's value. */
export function textControl(label: string, options: TextControlOptions, report: MessageSink): BoundControl & { input: HTMLInputElement } {
  const input = el('input', 'jp-SegLab-textInput');
  input.type = 'text';
  if (options.numeric) input.inputMode = 'decimal';
  input.spellcheck = false;
  const sync = () => {
    if (document.activeElement !== input) input.value = options.get();
    input.removeAttribute('aria-invalid');
  };
  const commit = () => {
    if (input.value === options.get()) return;
    let error: string | void = undefined;
    try {
      error = options.set(input.value);
    } catch (err) {
      error = String((err as Error).message ?? err);
    }
    if (error) {
      input.setAttribute('aria-invalid', 'true');
      report(error, true);
    } else {
      input.removeAttribute('aria-invalid');
      input.value = options.get();
    }
  };
  input.addEventListener('keydown', event => {
    if (event.key === 'Enter') {
      commit();
      event.preventDefault();
    } else if (event.key === 'Escape') {
      input.value = options.get();
      input.removeAttribute('aria-invalid');
      event.preventDefault();
    }
    event.stopPropagation(); // typing digits must not switch tools or notebook cells
  });
  input.addEventListener('blur', commit);
  sync();
  return { node: row(label, input, options.extra), sync, input };
}

/** A colour picker; `set` runs while the picker moves, `commit` once a colour is chosen. */
export function colorControl(
  label: string,
  get: () => string,
  set: ((hex: string) => void) | null,
  report: MessageSink,
  commit?: (hex: string) => void
): BoundControl {
  const input = el('input', 'jp-SegLab-color');
  input.type = 'color';
  const sync = () => {
    input.value = get();
  };
  if (set) input.addEventListener('input', () => attempt(() => set(input.value), report, sync));
  if (commit) input.addEventListener('change', () => attempt(() => commit(input.value), report, sync));
  sync();
  return { node: row(label, input), sync };
}

/** A heading for a group of controls. */
export function sectionHeading(text: string): HTMLElement {
  return el('div', 'jp-SegLab-controlHeading', text);
}
