/**
 * Filaments for the colour modes: a name, a colour and a transmission distance (TD, mm), the
 * HueForge measure of how deep light reaches into a filament: the thickness at which a layer of
 * it, printed over black and white, hides the difference (we take that as 90% of the light
 * stopped, see stack-colour.ts). The library holds typical PLA figures makers publish for common
 * colours; a user's own filament is written `Name:#RRGGBB:TD`, e.g. `Galaxy Blue:#1F3A93:1.4`.
 */

export interface Filament {
  /** Library id, or the name of a user's own filament. */
  id: string;
  name: string;
  /** #RRGGBB, sRGB. */
  hex: string;
  /** Transmission distance, mm. */
  tdMm: number;
}

export const FILAMENT_LIBRARY: readonly Filament[] = [
  { id: 'black', name: 'Black PLA', hex: '#161616', tdMm: 0.6 },
  { id: 'grey', name: 'Grey PLA', hex: '#8a8d8f', tdMm: 1.2 },
  { id: 'white', name: 'White PLA', hex: '#f4f4f2', tdMm: 3.5 },
  { id: 'red', name: 'Red PLA', hex: '#c1272d', tdMm: 2.2 },
  { id: 'orange', name: 'Orange PLA', hex: '#f07a1a', tdMm: 3 },
  { id: 'yellow', name: 'Yellow PLA', hex: '#f6d21a', tdMm: 4.5 },
  { id: 'green', name: 'Green PLA', hex: '#2e8b3a', tdMm: 2 },
  { id: 'blue', name: 'Blue PLA', hex: '#1f4fbf', tdMm: 1.6 },
  { id: 'cyan', name: 'Cyan PLA', hex: '#00a0d8', tdMm: 3 },
  { id: 'magenta', name: 'Magenta PLA', hex: '#d0107a', tdMm: 2.6 },
  { id: 'brown', name: 'Brown PLA', hex: '#6b4226', tdMm: 1.2 },
  { id: 'skin', name: 'Skin PLA', hex: '#e8c09a', tdMm: 3.2 },
];

export const FILAMENT_IDS = FILAMENT_LIBRARY.map((f) => f.id);

const CUSTOM = /^([^:,]{1,40}):(#[0-9a-fA-F]{6}):(\d+(?:\.\d+)?)$/;
const TD_RANGE = [0.05, 50] as const;

/** A library id or `Name:#RRGGBB:TD`; undefined when neither. */
export function parseFilament(spec: string): Filament | undefined {
  const known = FILAMENT_LIBRARY.find((f) => f.id === spec);
  if (known) return known;
  const m = CUSTOM.exec(spec);
  if (!m) return undefined;
  const tdMm = Number(m[3]);
  if (!(tdMm >= TD_RANGE[0] && tdMm <= TD_RANGE[1])) return undefined;
  return { id: m[1].trim(), name: m[1].trim(), hex: m[2].toLowerCase(), tdMm };
}

/** The problem with a filament list, for the parameter checker; undefined when it is fine. */
export function filamentListProblem(name: string, value: unknown, min: number, max: number): string | undefined {
  if (!Array.isArray(value) || value.length < min || value.length > max || !value.every((v) => typeof v === 'string')) {
    return `${name} must be a list of ${min} to ${max} filaments`;
  }
  const bad = value.filter((v) => parseFilament(v) === undefined);
  if (bad.length > 0) {
    return `${name}: ${bad.map((b) => JSON.stringify(b)).join(', ')} is neither one of ${FILAMENT_IDS.join(', ')} nor Name:#RRGGBB:TD (TD in mm, ${TD_RANGE[0]} to ${TD_RANGE[1]})`;
  }
  return undefined;
}

/** Channels 0..1, sRGB. */
export function hexToSrgb(hex: string): [number, number, number] {
  const v = Number.parseInt(hex.slice(1), 16);
  return [((v >> 16) & 255) / 255, ((v >> 8) & 255) / 255, (v & 255) / 255];
}
