/**
 * The bounding box an image job will print, in mm, from its parameters and the picture's size
 * alone, before anything is meshed: what the build-plate check in the estimate uses. Lithophanes
 * and reliefs follow from the grid exactly (within a sample); an extrusion's height depends on the
 * traced outline, so its box uses the picture's aspect ratio and is marked approximate.
 *
 * Shapes (as the pipeline builds them): flat plates lie on the bed; a stand turns the plate upright
 * into a foot 10 mm wider than it; arcs and cylinders stand on the bed, the picture wrapped round a
 * circle whose inner circumference (or arc length) is the picture's width.
 */
import { COLOUR_LITHOPHANE_MAX_LAYERS } from './catalog/image-fields.ts';
import { COOKIE_CUTTER_DEFAULTS } from './extrude/cookie-cutter.ts';
import { KEYCHAIN_DEFAULTS } from './extrude/keychain.ts';
import { EXTRUDE_DEFAULTS } from './extrude/options.ts';
import { imageJobGrid } from './job-grid.ts';
import { NIGHT_LIGHT_DEFAULTS } from './modes/night-light.ts';
import { ARC_FOOT_MARGIN_MM, STAND_DEFAULTS } from './modes/stand.ts';
import type { ImageJobParams } from './params.ts';

export interface PrintSize {
  sizeMm: [number, number, number];
  /** False when the box is an estimate (extrusions: the outline's height is known only once traced). */
  exact: boolean;
}

/** The stand's foot is this much wider than the plate (stand.ts). */
const STAND_FOOT_EXTRA_MM = 10;

export function expectedPrintSize(params: ImageJobParams, source: { width: number; height: number }): PrintSize {
  const { widthMm } = imageJobGrid(source, params);
  const heightMm = (widthMm * source.height) / source.width;
  if (params.mode === 'relief' || params.mode === 'colour-relief')
    return { sizeMm: [widthMm, heightMm, params.baseMm + params.maxHeightMm], exact: true };
  // A colour lithophane at its thickest: every colour at its most layers under the thickest white.
  if (params.mode === 'colour-lithophane') {
    const colourMm = (params.filaments.length - 1) * COLOUR_LITHOPHANE_MAX_LAYERS * params.layerHeightMm;
    return { sizeMm: [widthMm, heightMm, colourMm + params.maxThicknessMm], exact: false };
  }
  if (params.mode === 'extrude') return { sizeMm: extrudeSize(params, widthMm, heightMm), exact: false };

  const frame = params.frameMm;
  const thickness = frame > 0 ? Math.max(params.maxThicknessMm, params.frameThicknessMm) : params.maxThicknessMm;
  const shaped = shapedSize(params, widthMm, heightMm, thickness);
  if (shaped) return { sizeMm: shaped, exact: true };
  if (params.shape === 'flat') {
    const w = widthMm + 2 * frame;
    const h = heightMm + 2 * frame;
    if (!params.stand) return { sizeMm: [w, h, thickness], exact: true };
    const s = STAND_DEFAULTS;
    return { sizeMm: [w + STAND_FOOT_EXTRA_MM, Math.max(s.footDepthMm, thickness), h + s.footHeightMm - s.embedMm], exact: true };
  }
  // Curved: the unrolled width is the inner arc length (a cylinder's frame is top and bottom bands only).
  const angle = params.shape === 'cylinder' ? 2 * Math.PI : (params.arcDegrees * Math.PI) / 180;
  const unrolled = params.shape === 'cylinder' ? widthMm : widthMm + 2 * frame;
  const inner = unrolled / angle;
  const outer = inner + thickness;
  const half = angle / 2;
  const x = half >= Math.PI / 2 ? 2 * outer : 2 * outer * Math.sin(half);
  // The picture's centre faces -y at the outer radius; the ends reach towards +y.
  const yEnd = half >= Math.PI / 2 ? -outer * Math.cos(half) : -inner * Math.cos(half);
  const y = angle >= 2 * Math.PI ? 2 * outer : outer + yEnd;
  if (params.stand && params.shape === 'arc') {
    const s = STAND_DEFAULTS;
    return {
      sizeMm: [x + 2 * ARC_FOOT_MARGIN_MM, y + 2 * ARC_FOOT_MARGIN_MM, heightMm + 2 * frame + s.footHeightMm - s.embedMm],
      exact: true,
    };
  }
  return { sizeMm: [x, y, heightMm + 2 * frame], exact: true };
}

/** Heart, night-light box, dome and globe, as modes/heart.ts, night-light.ts and curved-finish.ts build them. */
function shapedSize(params: ImageJobParams, widthMm: number, heightMm: number, thickness: number): [number, number, number] | undefined {
  const frame = params.frameMm;
  if (params.shape === 'heart') return [widthMm, heightMm, thickness];
  if (params.shape === 'nightlight') {
    const side = widthMm + 2 * frame + 2 * Math.max(NIGHT_LIGHT_DEFAULTS.postMm, thickness);
    return [side, side, heightMm + 2 * frame];
  }
  const shell = Math.max(params.maxThicknessMm, params.frameThicknessMm);
  if (params.shape === 'dome') {
    const angle = (params.arcDegrees * Math.PI) / 180;
    const outer = widthMm / angle + shell;
    const half = angle / 2;
    const across = half >= Math.PI / 2 ? 2 * outer : 2 * outer * Math.sin(half);
    return [across, across, outer * (1 - Math.cos(half))];
  }
  if (params.shape === 'globe') {
    const inner = widthMm / (2 * Math.PI);
    const outer = inner + params.maxThicknessMm;
    const below = Math.sqrt(Math.max(0, inner * inner - (params.openingMm / 2) ** 2));
    return [2 * outer, 2 * outer, outer + below];
  }
  return undefined;
}

function extrudeSize(params: ImageJobParams, widthMm: number, heightMm: number): [number, number, number] {
  if (params.cookieCutter) {
    const grow = 2 * (params.cutterWallMm + COOKIE_CUTTER_DEFAULTS.flangeMm);
    return [widthMm + grow, heightMm + grow, params.cutterHeightMm];
  }
  const margin = params.basePlateMm > 0 ? 2 * EXTRUDE_DEFAULTS.basePlateMarginMm : 0;
  // The keychain tab reaches a hole and a ring beyond the outline (keychain.ts).
  const tab = params.keychain ? params.keychainHoleMm + 1.5 * KEYCHAIN_DEFAULTS.ringWidthMm : 0;
  const sideways = params.keychainPosition === 'left' || params.keychainPosition === 'right';
  return [widthMm + margin + (sideways ? tab : 0), heightMm + margin + (sideways ? 0 : tab), params.basePlateMm + params.extrudeHeightMm];
}
