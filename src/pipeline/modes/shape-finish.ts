/**
 * The step after a lithophane's surface is meshed, per shape: a stand for a flat plate, the heart
 * cut and its rim, the night-light box's walls, a dome's or a globe's flat rim (and the globe's
 * cap). Flat, arc and cylinder lithophanes come out of buildLithophane finished.
 */
import type { ManifoldToplevel } from 'manifold-3d';
import type { Mesh } from '../mesh.ts';
import type { ImageJobParams } from '../params.ts';
import { finishCurved } from './curved-finish.ts';
import { cutToHeart } from './heart.ts';
import type { CurvedFinish } from './lithophane.ts';
import { NIGHT_LIGHT_DEFAULTS, nightLightBox } from './night-light.ts';
import { addArcStand, addStand } from './stand.ts';

type ShapeParams = Pick<ImageJobParams, 'shape' | 'stand' | 'frameMm' | 'frameThicknessMm' | 'maxThicknessMm' | 'maxErrorMm'>;

export function finishShape(mesh: Mesh, curved: CurvedFinish | undefined, params: ShapeParams, wasm: ManifoldToplevel): Mesh {
  if (curved) return finishCurved(mesh, wasm, curved, params.maxErrorMm);
  switch (params.shape) {
    case 'heart':
      return cutToHeart(mesh, wasm, { rimMm: params.frameMm, rimThicknessMm: Math.max(params.frameThicknessMm, params.maxThicknessMm) });
    case 'nightlight':
      return nightLightBox(mesh, wasm, NIGHT_LIGHT_DEFAULTS);
    case 'arc':
      return params.stand ? addArcStand(mesh, wasm) : mesh;
    default:
      return params.stand ? addStand(mesh, wasm) : mesh;
  }
}
