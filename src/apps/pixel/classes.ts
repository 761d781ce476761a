/**
 * The classes of a pixel classifier (ilastik's "Labels" list): names and colours the user
 * picks; class k is value k + 1 in the scribbles and segmentation layers (0 = unlabelled).
 */
import { LabelClass, MAX_COLOR_OVERRIDES } from '../../viewer/model/labelsLayer';

export interface PixelClass {
  name: string;
  /** '#rrggbb'. */
  color: string;
}

export const MAX_CLASSES = MAX_COLOR_OVERRIDES;
export const MAX_CLASS_NAME = 64;

/** ilastik-like first colours (its yellow/blue are kept for the first two). */
export const CLASS_PALETTE = ['#ffe119', '#4363d8', '#e6194b', '#3cb44b', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#bfef45', '#fabed4', '#469990', '#dcbeff', '#9a6324', '#800000', '#aaffc3', '#000075'];

export const DEFAULT_CLASSES: readonly PixelClass[] = [
  { name: 'background', color: CLASS_PALETTE[1] },
  { name: 'foreground', color: CLASS_PALETTE[0] }
];

export function checkClassName(name: unknown, others: readonly PixelClass[]): string {
  if (typeof name !== 'string' || !name.trim()) throw new Error('expected a class name (some text)');
  const clean = name.trim();
  if (clean.length > MAX_CLASS_NAME) throw new Error(`expected a class name of at most ${MAX_CLASS_NAME} characters, got ${clean.length}`);
  if (others.some(c => c.name === clean)) throw new Error(`there is already a class named "${clean}"`);
  return clean;
}

export function checkColor(color: unknown): string {
  if (typeof color !== 'string' || !/^#[0-9a-fA-F]{6}$/.test(color)) throw new Error(`expected a colour as #rrggbb, got ${JSON.stringify(color)}`);
  return color.toLowerCase();
}

export function rgbaOf(color: string): [number, number, number, number] {
  const v = parseInt(color.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255, 255];
}

/** '#rrggbb' of [r, g, b, ...] bytes (the inverse of rgbaOf; alpha dropped). */
export function hexOf(rgba: readonly number[]): string {
  return '#' + rgba.slice(0, 3).map(v => v.toString(16).padStart(2, '0')).join('');
}

/** The classes as a labels layer keeps them (its `labelClasses`, which travel and are saved). */
export function labelClassesOf(classes: readonly PixelClass[]): LabelClass[] {
  return classes.map(c => ({ name: c.name, color: rgbaOf(c.color) }));
}
