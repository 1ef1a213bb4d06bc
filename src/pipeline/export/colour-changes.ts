/**
 * Filament swaps as the slicers read them from a 3MF, so a colour relief opens with its colour
 * changes in place:
 * - PrusaSlicer (2.3+): `Metadata/Prusa_Slicer_custom_gcode_per_print_z.xml`, one
 *   `<code print_z=… type="0" …/>` per change (type 0 = ColorChange, CustomGCode::Type in
 *   libslic3r), mode SingleExtruder. At each it emits the printer's color_change_gcode (M600 by
 *   default) before printing the layer at that print_z; tests/e2e read the G-code back.
 * - Bambu Studio and OrcaSlicer: `Metadata/custom_gcode_per_layer.xml`, the same items as
 *   `<layer top_z=…/>` inside `<plate>` (their fork of the same structure).
 * print_z is the top of the first layer printed in the new filament.
 */
import { escapeXml } from './xml-escape.ts';

export interface ColourChange {
  /** Top of the first layer in the new filament, mm. */
  printZMm: number;
  /** The new filament's colour, #RRGGBB. */
  hex: string;
}

export const PRUSA_COLOUR_CHANGES_PATH = 'Metadata/Prusa_Slicer_custom_gcode_per_print_z.xml';
export const BAMBU_COLOUR_CHANGES_PATH = 'Metadata/custom_gcode_per_layer.xml';

export function prusaColourChangesXml(changes: readonly ColourChange[]): string {
  const codes = changes.map(
    (c) => `<code print_z="${z(c.printZMm)}" type="0" extruder="1" color="${escapeXml(c.hex)}" extra="" gcode="M600"/>\n`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>\n<custom_gcodes_per_print_z>\n${codes.join('')}<mode value="SingleExtruder"/>\n</custom_gcodes_per_print_z>\n`;
}

export function bambuColourChangesXml(changes: readonly ColourChange[]): string {
  const layers = changes.map(
    (c) => `<layer top_z="${z(c.printZMm)}" type="0" extruder="1" color="${escapeXml(c.hex)}" extra="" gcode="M600"/>\n`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>\n<custom_gcodes_per_layer>\n<plate>\n<plate_info id="1"/>\n${layers.join('')}<mode value="SingleExtruder"/>\n</plate>\n</custom_gcodes_per_layer>\n`;
}

/** Both slicers' parts, for writeThreeMf's extraFiles. */
export function colourChangeFiles(changes: readonly ColourChange[]): Record<string, string> {
  return { [PRUSA_COLOUR_CHANGES_PATH]: prusaColourChangesXml(changes), [BAMBU_COLOUR_CHANGES_PATH]: bambuColourChangesXml(changes) };
}

function z(mm: number): string {
  return String(Math.round(mm * 1e4) / 1e4);
}
