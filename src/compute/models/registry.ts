/**
 * The SAM-family models SegLab knows about: what each one is (family, pre-processing
 * constants) and where its two ONNX files come from. Entries come from the user's settings
 * (built in, replaced whenever the settings change) and from code at run time
 * (`add`, e.g. a model the kernel sent). Validation lives in ./validate.ts; fetching and
 * caching the bytes in ./modelStore.ts.
 */

import { ISignal, Signal } from '@lumino/signaling';
import { ModelEntry } from './types';
import { validateModelEntry } from './validate';

export * from './types';

/**
 * The list of models. Entries `add`ed at run time win over a settings entry with the same id
 * (the kernel just exported or sent it; the settings may be stale).
 */
export class ModelRegistry {
  private fromSettings: ModelEntry[] = [];
  private added = new Map<string, ModelEntry>();
  private settingsProblems: string[] = [];
  private defaultId: string | null = null;
  private readonly changedSignal = new Signal<this, void>(this);

  /** Emitted whenever the list, the default model or the problems change. */
  get changed(): ISignal<this, void> {
    return this.changedSignal;
  }

  /** Every model, settings entries first (in their order), then added ones. */
  get models(): readonly ModelEntry[] {
    const shadowed = (e: ModelEntry) => this.added.has(e.id);
    return [...this.fromSettings.filter(e => !shadowed(e)), ...this.added.values()];
  }

  get(id: string): ModelEntry | undefined {
    return this.added.get(id) ?? this.fromSettings.find(e => e.id === id);
  }

  /** The `defaultModel` setting's entry when it exists, else the first model, else undefined. */
  get defaultModel(): ModelEntry | undefined {
    return (this.defaultId !== null ? this.get(this.defaultId) : undefined) ?? this.models[0];
  }

  /** Why settings entries were left out (shown to the user; also logged by src/jupyter). */
  get problems(): readonly string[] {
    return this.settingsProblems;
  }

  /** Replaces the settings-derived entries (already validated, ids unique). */
  setFromSettings(entries: readonly ModelEntry[], problems: readonly string[], defaultModel: string | null): void {
    this.fromSettings = entries.map(e => ({ ...e, origin: 'settings' as const }));
    this.settingsProblems = [...problems];
    this.defaultId = defaultModel;
    if (defaultModel !== null && !this.get(defaultModel)) {
      this.settingsProblems.push(
        `defaultModel: no model has id ${JSON.stringify(defaultModel)} (models: ${this.models.map(m => m.id).join(', ') || 'none'})`
      );
    }
    this.changedSignal.emit();
  }

  /**
   * Adds (or replaces) a model at run time. `entry` is validated first (./validate.ts): a
   * ModelConfigError says what was wrong.
   */
  add(entry: unknown): ModelEntry {
    const stored = { ...validateModelEntry(entry, 'model'), origin: 'added' as const };
    this.added.set(stored.id, stored);
    this.changedSignal.emit();
    return stored;
  }

  /** Removes a model added at run time; settings entries change only with the settings. */
  remove(id: string): boolean {
    const had = this.added.delete(id);
    if (had) this.changedSignal.emit();
    return had;
  }
}
