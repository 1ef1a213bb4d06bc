/**
 * Aspect presets for the crop, from the chosen shape. A lamp shade wraps the picture round once, so
 * its picture is π × diameter wide; "as tall as wide" and a taller lamp are offered. A heart, dome
 * or globe (the catalog's newer shapes) suits its own aspect; a keychain or a logo any. "Free" comes
 * first, so picking a shape never crops by itself; a preset that declares `aspect` (width / height)
 * in the catalog is the only one offered, and then crops at once.
 */
import type { ChoiceInfo } from './modes.ts';

export interface AspectPreset {
  label: string;
  /** Width / height; null = free. */
  ratio: number | null;
}

const FREE: AspectPreset = { label: 'Free', ratio: null };
const PHOTO: AspectPreset[] = [
  FREE,
  { label: 'Square 1:1', ratio: 1 },
  { label: 'Landscape 4:3', ratio: 4 / 3 },
  { label: 'Landscape 3:2', ratio: 3 / 2 },
  { label: 'Portrait 3:4', ratio: 3 / 4 },
];

export function aspectPresets(choice: ChoiceInfo, values: Record<string, unknown>): AspectPreset[] {
  const declared = Number(choice.fixed.aspect ?? choice.defaults.aspect);
  if (Number.isFinite(declared) && declared > 0) return [{ label: `${choice.title} ${declared.toFixed(2)}:1`, ratio: declared }];
  if (choice.input !== 'image') return [FREE];
  const shape = String(choice.fixed.shape ?? values.shape ?? '');
  if (shape === 'cylinder') {
    return [{ label: 'Lamp, as tall as it is wide (π:1)', ratio: Math.PI }, { label: 'Tall lamp (π:1.5)', ratio: Math.PI / 1.5 }, FREE];
  }
  if (shape === 'heart' || shape === 'dome' || shape === 'night-light') return [{ label: 'Square 1:1', ratio: 1 }, FREE];
  if (shape === 'globe') return [{ label: 'World map 2:1', ratio: 2 }, FREE];
  if (choice.mode === 'extrude') return [FREE, { label: 'Square 1:1', ratio: 1 }];
  return PHOTO;
}
