/**
 * Colour lithophane for multi-material printers (issue 17), after PIXEstL: cyan, magenta and
 * yellow bodies stacked under a white texture body, one closed solid per filament, for one 3MF
 * with one object per filament.
 *
 * Method: colour/cmy-decompose.ts gives each sample its layer count of every colour filament and
 * its white thickness. The interfaces S_0 = 0 ≤ S_1 ≤ … ≤ S_n are cumulative sums of those
 * thicknesses; body i is the solid between S_i and S_{i+1}, built by solidify/surface-solid.ts
 * from the full-grid triangulation as its top and the same triangulation as its bottom, each
 * vertex lifted onto the exact float32 value of its interface. Neighbouring bodies therefore share
 * their surface triangle for triangle, and, since every body is at least one layer thick
 * everywhere, each is a closed 2-manifold and no two overlap (the union's volume is the sum; the
 * test checks with manifold-3d). The full grid, not the adaptive triangulation, because the two
 * sides of a shared surface must be triangulated identically and every interface carries detail.
 */
import type { Filament } from '../colour/filaments.ts';
import type { CmyDecomposeOptions, CmyDecomposition } from '../colour/cmy-decompose.ts';
import { decomposeCmy, predictBacklit } from '../colour/cmy-decompose.ts';
import type { RgbPlanes } from '../colour/swap-plan.ts';
import type { Mesh } from '../mesh.ts';
import { buildSurfaceSolid } from '../solidify/surface-solid.ts';
import { triangulateGrid } from '../triangulate/grid.ts';

export interface ColourBody {
  filament: Filament;
  mesh: Mesh;
}

export interface ColourLithophane {
  bodies: ColourBody[];
  decomposition: CmyDecomposition;
  /** The predicted backlit picture (sRGB 0..1). */
  predicted: RgbPlanes;
  /** Total thickness per sample, mm (the white body's top). */
  thicknessMm: Float32Array;
}

export function buildColourLithophane(picture: RgbPlanes, pitchMm: number, options: CmyDecomposeOptions): ColourLithophane {
  const decomposition = decomposeCmy(picture, options);
  const { width: W, height: H } = picture;
  const n = W * H;
  // Interfaces bottom to top, float32 as the mesh stores them, so shared vertices are bit-identical.
  const surfaces: Float32Array[] = [new Float32Array(n)];
  for (let f = 0; f < options.colours.length; f++) {
    const below = surfaces[surfaces.length - 1];
    const layers = decomposition.layers[f];
    const next = new Float32Array(n);
    for (let i = 0; i < n; i++) next[i] = below[i] + layers[i] * options.layerHeightMm;
    surfaces.push(next);
  }
  const textureBase = surfaces[surfaces.length - 1];
  const top = new Float32Array(n);
  for (let i = 0; i < n; i++) top[i] = textureBase[i] + decomposition.textureMm[i];
  surfaces.push(top);

  const grid = triangulateGrid(new Float32Array(n), W, H);
  const halfW = ((W - 1) * pitchMm) / 2,
    halfH = ((H - 1) * pitchMm) / 2;
  const filaments = [...options.colours, options.texture];
  const bodies = filaments.map((filament, b) => {
    const lower = surfaces[b],
      upper = surfaces[b + 1];
    const thickness = new Float32Array(n);
    for (let i = 0; i < n; i++) thickness[i] = upper[i] - lower[i];
    const mesh = buildSurfaceSolid({
      front: grid,
      heights: thickness,
      gridWidth: W,
      gridHeight: H,
      pitchMm,
      back: grid,
      periodic: false,
      map: (u, v, h, out) => {
        const x = Math.round(u / pitchMm),
          y = H - 1 - Math.round(v / pitchMm);
        out[0] = u - halfW;
        out[1] = v - halfH;
        // Back vertices have h = 0, front ones the (positive) thickness: take the interface itself.
        out[2] = h === 0 ? lower[y * W + x] : upper[y * W + x];
      },
    });
    return { filament, mesh };
  });
  return { bodies, decomposition, predicted: predictBacklit(decomposition, options), thicknessMm: top };
}
