/**
 * ilastik's feature selection: a matrix of checkboxes, one row per filter, one column per
 * scale; changing it replaces the session's feature set (and retrains when live). Below it,
 * when a SAM-family model is configured, one more box: that model's embedding as features.
 */
import { FeatureSpec, FILTER_TITLES, FILTERS, ILASTIK_SCALES } from '../../core/features/featureSet';
import { el } from '../../viewer/ui/controlsDom';

export interface ModelFeatureChoice {
  on: boolean;
  /** The model's id (user-configured text: set as text only). */
  model: string;
  toggle(on: boolean): void;
}

export function featureMatrix(current: readonly FeatureSpec[], onChange: (specs: FeatureSpec[]) => void, modelChoice?: ModelFeatureChoice): HTMLTableElement {
  const table = el('table', 'jp-SegLab-featureMatrix');
  table.setAttribute('aria-label', 'features by scale');
  const head = table.createTHead().insertRow();
  head.append(el('th', '', 'σ'));
  for (const s of ILASTIK_SCALES) head.append(el('th', '', String(s)));
  const boxes: Array<{ spec: FeatureSpec; box: HTMLInputElement }> = [];
  const body = table.createTBody();
  for (const filter of FILTERS) {
    const row = body.insertRow();
    row.append(el('th', '', FILTER_TITLES[filter]));
    for (const sigma of ILASTIK_SCALES) {
      const box = el('input');
      box.type = 'checkbox';
      box.checked = current.some(f => f.filter === filter && f.sigma === sigma);
      box.title = `${FILTER_TITLES[filter]} at σ = ${sigma}`;
      box.dataset.feature = `${filter}:${sigma}`;
      box.addEventListener('change', () => {
        const specs = boxes.filter(b => b.box.checked).map(b => b.spec);
        if (specs.length === 0 && !modelChoice?.on) {
          box.checked = true; // at least one feature stays
          return;
        }
        onChange(specs);
      });
      boxes.push({ spec: { filter, sigma }, box });
      const cell = row.insertCell();
      cell.append(box);
    }
  }
  if (modelChoice) {
    const row = table.createTFoot().insertRow();
    row.append(el('th', '', 'Model embedding'));
    const cell = row.insertCell();
    cell.colSpan = ILASTIK_SCALES.length;
    const box = el('input');
    box.type = 'checkbox';
    box.checked = modelChoice.on;
    box.dataset.feature = 'model';
    box.title = `The image embedding of ${modelChoice.model}, upsampled to the pixels`;
    box.addEventListener('change', () => {
      if (!box.checked && boxes.every(b => !b.box.checked)) {
        box.checked = true; // the only features: they stay
        return;
      }
      modelChoice.toggle(box.checked);
    });
    const label = el('label', 'jp-SegLab-modelFeatures');
    label.append(box, document.createTextNode(` ${modelChoice.model}`));
    cell.append(label);
  }
  return table;
}
