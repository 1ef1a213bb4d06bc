/**
 * The ink mask an extrusion is traced from, on the job grid, and what sampling lost.
 *
 * A picture wider than the trace grid (job-grid.ts caps extrusions at 1,600 px a side) is averaged
 * down before the threshold, so a stroke thinner than the sampling step turns light grey and is no
 * longer ink: it vanishes from the solid without a word (issue 16). Here every source pixel of ink is
 * mapped to the grid pixel it falls in: ink whose grid pixel is not ink has vanished, and is counted;
 * with `keepThin` those grid pixels become ink again, so a 1 px line survives as a 1-cell line (which
 * thickening then widens to the nozzle). The ink rule is the tracer's (contours.ts): the alpha mask
 * when the picture has one, else brightness below the threshold (above it when inverted).
 */
import type { Heightmap } from '../heightmap.ts';
import type { ContourOptions } from './contours.ts';
import { subjectMask } from './contours.ts';

export interface InkGrid {
  /** 1 where the grid pixel is ink (after `keepThin`'s additions). */
  mask: Uint8Array;
  /** Grid pixels that hold source ink but averaged out of it (kept as ink when `keepThin`). */
  vanishedCells: Uint8Array;
  /** Ink pixels in the source picture. */
  sourceInkPixels: number;
  /** Source ink pixels that fall in grid pixels that are not ink in the result (0 with `keepThin`). */
  vanishedSourcePixels: number;
}

export function inkOnGrid(source: Heightmap, grid: Heightmap, contour: ContourOptions, keepThin: boolean): InkGrid {
  const mask = subjectMask(grid, contour);
  const vanishedCells = new Uint8Array(mask.length);
  const { width: SW, height: SH } = source;
  const { width: GW, height: GH } = grid;
  const same = SW === GW && SH === GH;
  let sourceInkPixels = 0;
  let vanishedSourcePixels = 0;
  const column = new Int32Array(SW);
  for (let x = 0; x < SW; x++) column[x] = Math.min(GW - 1, Math.floor((x * GW) / SW));
  for (let y = 0; y < SH; y++) {
    const row = Math.min(GH - 1, Math.floor((y * GH) / SH)) * GW;
    for (let x = 0; x < SW; x++) {
      const i = y * SW + x;
      const ink = source.mask
        ? source.mask[i] === 1
        : contour.invert
          ? source.values[i] > contour.threshold
          : source.values[i] < contour.threshold;
      if (!ink) continue;
      sourceInkPixels++;
      const cell = same ? i : row + column[x];
      if (mask[cell]) continue;
      vanishedCells[cell] = 1;
      if (!keepThin) vanishedSourcePixels++;
    }
  }
  if (keepThin) for (let i = 0; i < mask.length; i++) if (vanishedCells[i]) mask[i] = 1;
  return { mask, vanishedCells, sourceInkPixels, vanishedSourcePixels };
}
