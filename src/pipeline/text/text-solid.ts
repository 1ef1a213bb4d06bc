/**
 * Text mode: typed text in a TrueType font becomes a printable solid, with the same 2D-first method
 * as the logo extrusion (extrude/extrude.ts): glyph rings (layout.ts) -> manifold-3d CrossSection
 * (non-zero fill) -> plate, border, holes and keychain tab as 2D booleans -> extrusions -> one union.
 * Letters and border stand on the bed through the plate, so the union meets along coplanar bottoms
 * rather than a seam halfway up.
 *  - nameplate: raised letters on a rectangular plate with a raised border.
 *  - sign: a nameplate with a screw hole at each end.
 *  - keychain: the plate follows the letters' outline (holes filled), with a ring tab.
 */
import type { CrossSection, Manifold, ManifoldToplevel } from 'manifold-3d';
import { PipelineError } from '../errors.ts';
import { keychainTab } from '../extrude/keychain.ts';
import type { KeychainPosition } from '../extrude/keychain.ts';
import { manifoldToMesh } from '../extrude/manifold-mesh.ts';
import { fillHoles } from '../extrude/outline.ts';
import { WasmScope } from '../extrude/wasm-scope.ts';
import type { Mesh } from '../mesh.ts';
import { layoutText } from './layout.ts';
import { readTrueType } from './truetype.ts';

export const TEXT_STYLES = ['nameplate', 'sign', 'keychain'] as const;
export type TextStyle = (typeof TEXT_STYLES)[number];

export interface TextSolidOptions {
  style: TextStyle;
  /** Width of the widest line of text, mm (the plate, border and tab reach beyond it). */
  widthMm: number;
  /** Letters above the plate, mm. */
  textHeightMm: number;
  /** Plate thickness, mm. */
  plateMm: number;
  /** Plate beyond the letters, mm. */
  marginMm: number;
  /** Raised border round a nameplate or sign, mm wide (0 = none). */
  borderMm: number;
  /** Sign screw holes and keychain ring hole, mm. */
  holeMm: number;
  keychainPosition: KeychainPosition;
  /** Curves are flattened to within this, mm: a fraction of the nozzle, below what prints. */
  toleranceMm: number;
}

export const TEXT_SOLID_DEFAULTS: TextSolidOptions = {
  style: 'nameplate',
  widthMm: 80,
  textHeightMm: 1.6,
  plateMm: 2,
  marginMm: 3,
  borderMm: 1.5,
  holeMm: 4,
  keychainPosition: 'left',
  toleranceMm: 0.05,
};

const RING_WIDTH_MM = 2;
const STAGE = 'text';

export function buildTextSolid(fontBytes: Uint8Array, text: string, wasm: ManifoldToplevel, options: Partial<TextSolidOptions> = {}): Mesh {
  const o = { ...TEXT_SOLID_DEFAULTS, ...options };
  const font = readTrueType(fontBytes);
  const rings = layoutText(font, text, { widthMm: o.widthMm, toleranceMm: o.toleranceMm, lineSpacing: 1.25 });
  const scope = new WasmScope();
  try {
    const letters = scope.keep(new wasm.CrossSection(rings, 'NonZero'));
    if (letters.isEmpty()) throw new PipelineError('nothing_to_extrude', 'text: the text has no visible characters', STAGE);
    const plate = o.style === 'keychain' ? keychainPlate(letters, o, wasm, scope) : rectanglePlate(letters, o, wasm, scope);
    const top = o.plateMm + o.textHeightMm;
    const parts: Manifold[] = [scope.keep(plate.section.extrude(o.plateMm)), scope.keep(letters.extrude(top))];
    if (plate.border) parts.push(scope.keep(plate.border.extrude(top)));
    let solid = scope.keep(wasm.Manifold.union(parts));
    if (plate.holes) solid = scope.keep(solid.subtract(scope.keep(scope.keep(plate.holes.extrude(top + 2)).translate([0, 0, -1]))));
    if (solid.status() !== 'NoError' || solid.isEmpty()) {
      throw new PipelineError('geometry_failed', `text: manifold-3d reports ${solid.status()}`, STAGE);
    }
    const { min } = solid.boundingBox();
    return manifoldToMesh(scope.keep(solid.translate([-min[0], -min[1], -min[2]])));
  } finally {
    scope.dispose();
  }
}

interface Plate {
  section: CrossSection;
  border?: CrossSection;
  holes?: CrossSection;
}

function rectanglePlate(letters: CrossSection, o: TextSolidOptions, wasm: ManifoldToplevel, scope: WasmScope): Plate {
  const { min, max } = letters.bounds();
  const inset = o.marginMm + o.borderMm;
  // A sign's ends make room for a screw hole each, inside the border.
  const holeRoom = o.style === 'sign' ? o.holeMm + o.marginMm : 0;
  const x0 = min[0] - inset - holeRoom;
  const x1 = max[0] + inset + holeRoom;
  const y0 = min[1] - inset;
  const y1 = max[1] + inset;
  const rect = (ax: number, ay: number, bx: number, by: number) =>
    scope.keep(scope.keep(wasm.CrossSection.square([bx - ax, by - ay])).translate([ax, ay]));
  const section = rect(x0, y0, x1, y1);
  const border =
    o.borderMm > 0 ? scope.keep(section.subtract(rect(x0 + o.borderMm, y0 + o.borderMm, x1 - o.borderMm, y1 - o.borderMm))) : undefined;
  let holes: CrossSection | undefined;
  if (o.style === 'sign') {
    const cy = (y0 + y1) / 2;
    const r = o.holeMm / 2;
    const at = (cx: number) => scope.keep(scope.keep(wasm.CrossSection.circle(r, 48)).translate([cx, cy]));
    holes = scope.keep(at(x0 + o.borderMm + o.marginMm / 2 + r).add(at(x1 - o.borderMm - o.marginMm / 2 - r)));
  }
  return { section, border, holes };
}

function keychainPlate(letters: CrossSection, o: TextSolidOptions, wasm: ManifoldToplevel, scope: WasmScope): Plate {
  const grown = fillHoles(scope.keep(letters.offset(o.marginMm, 'Round')), wasm, scope);
  const pieces = grown.decompose();
  const separate = pieces.length > 1;
  for (const piece of pieces) piece.delete();
  // Letters far apart would leave separate plates: one piece needs the outline's hull.
  const outline = separate ? scope.keep(scope.keep(letters.hull()).offset(o.marginMm, 'Round')) : grown;
  const { tab, hole } = keychainTab(
    outline,
    { holeDiameterMm: o.holeMm, ringWidthMm: RING_WIDTH_MM, position: o.keychainPosition },
    wasm,
    scope,
  );
  return { section: scope.keep(scope.keep(outline.add(tab)).subtract(hole)) };
}
