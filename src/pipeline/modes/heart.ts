/**
 * A heart lithophane: the flat plate (built as usual, adaptive) cut to a heart that fills the
 * picture's rectangle, with a solid rim round it. The outline is the classic parametric heart
 * (x = 16 sin³t, y = 13 cos t - 5 cos 2t - 2 cos 3t - cos 4t), sampled finely enough that its chords
 * stay within the mesh error bound, and scaled to the plate. The picture is cut a little larger
 * than the rim's inside so the two overlap and the union is one solid; both stand on the bed.
 */
import type { CrossSection, ManifoldToplevel } from 'manifold-3d';
import { PipelineError } from '../errors.ts';
import { manifoldToMesh } from '../extrude/manifold-mesh.ts';
import { WasmScope } from '../extrude/wasm-scope.ts';
import type { Mesh } from '../mesh.ts';
import { boundingBox } from '../mesh.ts';

export interface HeartOptions {
  /** Width of the solid rim round the heart, mm (0 = none). */
  rimMm: number;
  rimThicknessMm: number;
}

/** How far the picture reaches under the rim, mm. */
const OVERLAP_MM = 0.3;
const OUTLINE_POINTS = 256;

/** The heart outline, counter-clockwise, filling [minX, maxX] × [minY, maxY]. */
export function heartOutline(minX: number, minY: number, maxX: number, maxY: number): Array<[number, number]> {
  const raw: Array<[number, number]> = [];
  for (let i = 0; i < OUTLINE_POINTS; i++) {
    const t = (2 * Math.PI * i) / OUTLINE_POINTS;
    raw.push([16 * Math.sin(t) ** 3, 13 * Math.cos(t) - 5 * Math.cos(2 * t) - 2 * Math.cos(3 * t) - Math.cos(4 * t)]);
  }
  const xs = raw.map((p) => p[0]);
  const ys = raw.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  // t runs clockwise (sin t is x, cos t is y): reverse for a counter-clockwise outer ring.
  return raw
    .map(([x, y]): [number, number] => [minX + ((x - x0) / (x1 - x0)) * (maxX - minX), minY + ((y - y0) / (y1 - y0)) * (maxY - minY)])
    .reverse();
}

export function cutToHeart(plate: Mesh, wasm: ManifoldToplevel, options: HeartOptions): Mesh {
  const box = boundingBox(plate);
  const scope = new WasmScope();
  try {
    const outline = scope.keep(new wasm.CrossSection([heartOutline(box.min[0], box.min[1], box.max[0], box.max[1])], 'Positive'));
    const rim = options.rimMm;
    const inner: CrossSection = rim > 0 ? scope.keep(outline.offset(-rim + OVERLAP_MM, 'Round')) : outline;
    if (inner.isEmpty()) {
      throw new PipelineError('invalid_parameters', 'heart: the rim (frameMm) leaves no room for the picture', 'heart', { rimMm: rim });
    }
    const height = box.max[2] - box.min[2] + 2;
    const cutter = scope.keep(scope.keep(inner.extrude(height)).translate([0, 0, box.min[2] - 1]));
    const source = scope.keep(
      wasm.Manifold.ofMesh(new wasm.Mesh({ numProp: 3, vertProperties: plate.positions, triVerts: plate.indices })),
    );
    let solid = scope.keep(source.intersect(cutter));
    if (rim > 0) {
      const hole = scope.keep(outline.offset(-rim, 'Round'));
      const ring = scope.keep(outline.subtract(hole));
      solid = scope.keep(solid.add(scope.keep(ring.extrude(options.rimThicknessMm))));
    }
    return manifoldToMesh(solid);
  } finally {
    scope.dispose();
  }
}
