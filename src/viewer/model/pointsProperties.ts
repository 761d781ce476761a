/** Property tables of the points layer: one column of numbers or strings per property, checked. */
import { LayerValidationError } from './layerBase';

export type PropertyValue = number | string;
/** One column per property, one value per point (napari's `features`/`properties`). */
export type PropertyTable = Record<string, PropertyValue[]>;

export function checkPropertyValue(name: string, value: unknown): PropertyValue {
  if (typeof value !== 'number' && typeof value !== 'string') {
    throw new LayerValidationError(`property "${name}" values must be numbers or strings, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function checkProperties(table: PropertyTable, n: number): PropertyTable {
  const out: PropertyTable = {};
  for (const [name, column] of Object.entries(table)) {
    if (!Array.isArray(column) || column.length !== n) {
      const got = Array.isArray(column) ? `${column.length} values` : JSON.stringify(column);
      throw new LayerValidationError(`property "${name}" needs one value per point (${n}), got ${got}`);
    }
    out[name] = column.map(v => checkPropertyValue(name, v));
  }
  return out;
}

/** Values for new points: those given, else the last point's (napari's current_properties). */
export function currentPropertiesFor(table: PropertyTable, given: Record<string, PropertyValue>): Record<string, PropertyValue> {
  const current: Record<string, PropertyValue> = {};
  for (const [name, column] of Object.entries(table)) {
    const value = name in given ? given[name] : column[column.length - 1];
    if (value === undefined) {
      throw new LayerValidationError(`property "${name}" has no default value for new points: pass currentProperties`);
    }
    current[name] = checkPropertyValue(name, value);
  }
  return current;
}

export function listNames(names: readonly string[]): string {
  return names.length ? names.map(n => `"${n}"`).join(', ') : 'no properties';
}

export function emptyColumns(table: PropertyTable): PropertyTable {
  return Object.fromEntries(Object.keys(table).map(name => [name, [] as PropertyValue[]]));
}

export function copyTable(table: PropertyTable): PropertyTable {
  return Object.fromEntries(Object.entries(table).map(([name, column]) => [name, [...column]]));
}
