/**
 * Every parameter of a text job (nameplate, sign, keychain from typed text), declared once as in
 * image-fields.ts. The text itself and the font (the bundled one unless a TrueType file is given)
 * travel beside these, not as fields.
 */
import { TEXT_SOLID_DEFAULTS, TEXT_STYLES } from '../text/text-solid.ts';
import { choices } from './fields.ts';
import type { Fields } from './fields.ts';
import { DEFAULT_BUILD_VOLUME_MM } from '../build-plate.ts';
import { KEYCHAIN_POSITIONS, OUTPUT_FIELDS } from './image-fields.ts';

export const TEXT_FIELDS = {
  textStyle: {
    type: 'choice',
    label: 'Style',
    default: TEXT_SOLID_DEFAULTS.style,
    options: choices(TEXT_STYLES, { nameplate: 'Nameplate', sign: 'Sign (screw holes)', keychain: 'Keychain' }),
  },
  widthMm: { type: 'number', label: 'Text width', unit: 'mm', default: TEXT_SOLID_DEFAULTS.widthMm, min: 5, max: 1000, step: 1 },
  textHeightMm: {
    type: 'number',
    label: 'Letter height above the plate',
    unit: 'mm',
    default: TEXT_SOLID_DEFAULTS.textHeightMm,
    min: 0.2,
    max: 50,
    step: 0.2,
  },
  plateMm: { type: 'number', label: 'Plate', unit: 'mm', default: TEXT_SOLID_DEFAULTS.plateMm, min: 0.4, max: 50, step: 0.2 },
  marginMm: { type: 'number', label: 'Margin', unit: 'mm', default: TEXT_SOLID_DEFAULTS.marginMm, min: 0.5, max: 100, step: 0.5 },
  borderMm: {
    type: 'number',
    label: 'Border',
    unit: 'mm',
    default: TEXT_SOLID_DEFAULTS.borderMm,
    min: 0,
    max: 50,
    step: 0.5,
    help: 'A raised border round a nameplate or sign (0 = none).',
  },
  holeMm: { type: 'number', label: 'Hole', unit: 'mm', default: TEXT_SOLID_DEFAULTS.holeMm, min: 1, max: 20, step: 0.5 },
  keychainPosition: {
    type: 'choice',
    label: 'Ring position',
    default: TEXT_SOLID_DEFAULTS.keychainPosition,
    options: choices(KEYCHAIN_POSITIONS),
  },
  buildPlateMm: { type: 'size3', label: 'Build volume', unit: 'mm', default: DEFAULT_BUILD_VOLUME_MM, max: 10_000 },
  ...OUTPUT_FIELDS,
} as const satisfies Fields;
