/**
 * Closes a triangulated height surface into a watertight solid.
 *
 * Method: work in parameter space (u, v along the picture in mm, h = height above the back in
 * mm). The front is the adaptive triangulation; the back is either a fan over the rectangle's
 * boundary (flat shapes: one vertex per boundary sample) or a second triangulation whose boundary
 * contains the front's (curved shapes, where the back needs columns to follow the curve). Each
 * side of the rectangle is walled by zipping the front chain to the back chain, so chains of
 * different lengths still meet edge to edge with no T-junctions. A periodic surface (a closed
 * cylinder) welds its last column onto its first instead of walling them. Finally every vertex
 * goes through the shape's map (identity for flat, a wrap for arc and cylinder) and the winding
 * is fixed by the sign of the volume, so a map that mirrors space cannot turn the solid inside out.
 */
import type { Mesh } from '../mesh.ts';
import { signedVolume } from '../mesh.ts';
import type { SurfaceTriangulation } from '../triangulate/types.ts';

export type ShapeMap = (u: number, v: number, h: number, out: Float64Array) => void;

export interface SurfaceSolidInput {
  front: SurfaceTriangulation;
  /** Heights (mm above the back) per grid sample, row-major, row 0 = top of the picture. */
  heights: Float32Array;
  gridWidth: number;
  gridHeight: number;
  /** Distance between samples in mm (u = x * pitch, v = (gridHeight - 1 - y) * pitch). */
  pitchMm: number;
  /** 'fan' for a flat back; otherwise a triangulation of the same rectangle whose boundary contains the front's. */
  back: SurfaceTriangulation | 'fan';
  /** Weld column gridWidth-1 onto column 0 (closed cylinder). */
  periodic: boolean;
  map: ShapeMap;
}

interface Layer {
  /** grid x, y per vertex */
  points: Uint32Array;
  /** index of the layer's first vertex in the output */
  base: number;
}

export function buildSurfaceSolid(input: SurfaceSolidInput): Mesh {
  const { front, heights, gridWidth: W, gridHeight: H, pitchMm: pitch } = input;
  const frontCount = front.points.length / 2;
  const backPoints = input.back === 'fan' ? fanBackPoints(front.points, W, H) : input.back.points;
  const backCount = backPoints.length / 2;
  const fanCentre = input.back === 'fan' ? frontCount + backCount : -1;
  const vertexTotal = frontCount + backCount + (fanCentre >= 0 ? 1 : 0);

  // Parameter-space coordinates of every vertex.
  const param = new Float64Array(vertexTotal * 3);
  const frontLayer: Layer = { points: front.points, base: 0 };
  const backLayer: Layer = { points: backPoints, base: frontCount };
  for (let i = 0; i < frontCount; i++) {
    const x = front.points[i * 2],
      y = front.points[i * 2 + 1];
    param[i * 3] = x * pitch;
    param[i * 3 + 1] = (H - 1 - y) * pitch;
    param[i * 3 + 2] = heights[y * W + x];
  }
  for (let i = 0; i < backCount; i++) {
    const o = (frontCount + i) * 3;
    param[o] = backPoints[i * 2] * pitch;
    param[o + 1] = (H - 1 - backPoints[i * 2 + 1]) * pitch;
    param[o + 2] = 0;
  }
  if (fanCentre >= 0) {
    param[fanCentre * 3] = ((W - 1) * pitch) / 2;
    param[fanCentre * 3 + 1] = ((H - 1) * pitch) / 2;
    param[fanCentre * 3 + 2] = 0;
  }

  const triangles: number[] = [];
  const pushOriented = (a: number, b: number, c: number, nx: number, ny: number, nz: number) => {
    // Keep the triangle if its parameter-space normal points along (nx, ny, nz), else flip it.
    const ax = param[a * 3],
      ay = param[a * 3 + 1],
      az = param[a * 3 + 2];
    const ux = param[b * 3] - ax,
      uy = param[b * 3 + 1] - ay,
      uz = param[b * 3 + 2] - az;
    const vx = param[c * 3] - ax,
      vy = param[c * 3 + 1] - ay,
      vz = param[c * 3 + 2] - az;
    const dot = (uy * vz - uz * vy) * nx + (uz * vx - ux * vz) * ny + (ux * vy - uy * vx) * nz;
    if (dot >= 0) triangles.push(a, b, c);
    else triangles.push(a, c, b);
  };

  // Front faces +h, back faces -h. Orientation is decided in (u, v) only, so it is exact even
  // where heights vary.
  addLayerTriangles(front.triangles, 0, param, true, triangles);
  if (input.back === 'fan') {
    const loop = boundaryLoop(backLayer, W, H);
    for (let i = 0; i < loop.length; i++) {
      pushOriented(fanCentre, loop[i], loop[(i + 1) % loop.length], 0, 0, -1);
    }
  } else {
    addLayerTriangles(input.back.triangles, frontCount, param, false, triangles);
  }

  // Walls: bottom (v = 0, outward -v), right (+u), top (+v), left (-u).
  const sides: Array<{ side: Side; normal: [number, number, number] }> = [
    { side: 'bottom', normal: [0, -1, 0] },
    { side: 'top', normal: [0, 1, 0] },
  ];
  if (!input.periodic) sides.push({ side: 'right', normal: [1, 0, 0] }, { side: 'left', normal: [-1, 0, 0] });
  for (const { side, normal } of sides) {
    const top = sideChain(frontLayer, side, W, H);
    const bottom = sideChain(backLayer, side, W, H);
    zipChains(top, bottom, (a, b, c) => pushOriented(a, b, c, normal[0], normal[1], normal[2]));
  }

  let indices: Uint32Array = Uint32Array.from(triangles);
  let vertexParam: Float64Array = param;
  if (input.periodic) {
    const welded = weldPeriodicSeam(indices, [frontLayer, backLayer], W, vertexTotal, param);
    indices = welded.indices;
    vertexParam = welded.param;
  }

  const count = vertexParam.length / 3;
  const positions = new Float32Array(count * 3);
  const out = new Float64Array(3);
  for (let i = 0; i < count; i++) {
    input.map(vertexParam[i * 3], vertexParam[i * 3 + 1], vertexParam[i * 3 + 2], out);
    positions[i * 3] = out[0];
    positions[i * 3 + 1] = out[1];
    positions[i * 3 + 2] = out[2];
  }
  const mesh: Mesh = { positions, indices };
  if (signedVolume(mesh) < 0) flipWinding(mesh.indices);
  return mesh;
}

function addLayerTriangles(tris: Uint32Array, base: number, param: Float64Array, up: boolean, out: number[]): void {
  // All triangles of a triangulation share one orientation; read it off the largest one.
  let sign = 0;
  let best = 0;
  for (let t = 0; t < tris.length && t < 3 * 64; t += 3) {
    const area = uvArea(param, base + tris[t], base + tris[t + 1], base + tris[t + 2]);
    if (Math.abs(area) > best) {
      best = Math.abs(area);
      sign = Math.sign(area);
    }
  }
  const keep = up ? sign >= 0 : sign < 0;
  for (let t = 0; t < tris.length; t += 3) {
    const a = base + tris[t],
      b = base + tris[t + 1],
      c = base + tris[t + 2];
    if (keep) out.push(a, b, c);
    else out.push(a, c, b);
  }
}

function uvArea(param: Float64Array, a: number, b: number, c: number): number {
  const ax = param[a * 3],
    ay = param[a * 3 + 1];
  return (param[b * 3] - ax) * (param[c * 3 + 1] - ay) - (param[c * 3] - ax) * (param[b * 3 + 1] - ay);
}

type Side = 'bottom' | 'right' | 'top' | 'left';

/** A layer's points on one side: output indices and their grid position along the side. */
interface Chain {
  ids: number[];
  along: number[];
}

function sideChain(layer: Layer, side: Side, W: number, H: number): Chain {
  const found: Array<[number, number]> = [];
  const pts = layer.points;
  for (let i = 0; i < pts.length / 2; i++) {
    const x = pts[i * 2],
      y = pts[i * 2 + 1];
    if (side === 'bottom' && y === H - 1) found.push([x, layer.base + i]);
    else if (side === 'top' && y === 0) found.push([x, layer.base + i]);
    else if (side === 'left' && x === 0) found.push([y, layer.base + i]);
    else if (side === 'right' && x === W - 1) found.push([y, layer.base + i]);
  }
  found.sort((p, q) => p[0] - q[0]);
  return { ids: found.map((p) => p[1]), along: found.map((p) => p[0]) };
}

/** The boundary of a layer as one loop: bottom, right, top, left, corners once. */
function boundaryLoop(layer: Layer, W: number, H: number): number[] {
  const bottom = sideChain(layer, 'bottom', W, H).ids;
  const right = sideChain(layer, 'right', W, H).ids.reverse();
  const top = sideChain(layer, 'top', W, H).ids.reverse();
  const left = sideChain(layer, 'left', W, H).ids;
  return [...bottom.slice(0, -1), ...right.slice(0, -1), ...top.slice(0, -1), ...left.slice(0, -1)];
}

/** Points on the rectangle's boundary: a flat back needs exactly the front's boundary samples. */
function fanBackPoints(points: Uint32Array, W: number, H: number): Uint32Array {
  const out: number[] = [];
  for (let i = 0; i < points.length; i += 2) {
    const x = points[i],
      y = points[i + 1];
    if (x === 0 || y === 0 || x === W - 1 || y === H - 1) out.push(x, y);
  }
  return Uint32Array.from(out);
}

/**
 * Triangulates the strip between two chains that start together and end together, ordered along
 * the same side. Advancing whichever chain's next point comes first keeps every triangle inside
 * the strip, so chains of different lengths meet without T-junctions.
 */
function zipChains(top: Chain, bottom: Chain, emit: (a: number, b: number, c: number) => void): void {
  let i = 0;
  let j = 0;
  const lastTop = top.ids.length - 1;
  const lastBottom = bottom.ids.length - 1;
  while (i < lastTop || j < lastBottom) {
    const advanceTop = j === lastBottom || (i < lastTop && top.along[i + 1] <= bottom.along[j + 1]);
    if (advanceTop) {
      emit(top.ids[i], top.ids[i + 1], bottom.ids[j]);
      i++;
    } else {
      emit(top.ids[i], bottom.ids[j + 1], bottom.ids[j]);
      j++;
    }
  }
}

function weldPeriodicSeam(
  indices: Uint32Array,
  layers: Layer[],
  W: number,
  vertexTotal: number,
  param: Float64Array,
): { indices: Uint32Array; param: Float64Array } {
  const remap = new Int32Array(vertexTotal);
  for (let i = 0; i < vertexTotal; i++) remap[i] = i;
  for (const layer of layers) {
    const leftByY = new Map<number, number>();
    const pts = layer.points;
    for (let i = 0; i < pts.length / 2; i++) if (pts[i * 2] === 0) leftByY.set(pts[i * 2 + 1], layer.base + i);
    for (let i = 0; i < pts.length / 2; i++) {
      if (pts[i * 2] !== W - 1) continue;
      const partner = leftByY.get(pts[i * 2 + 1]);
      if (partner === undefined) throw new Error('surface-solid: the periodic seam has unmatched samples');
      remap[layer.base + i] = partner;
    }
  }
  // Compact: drop the welded-away vertices.
  const newIndex = new Int32Array(vertexTotal).fill(-1);
  let next = 0;
  for (let i = 0; i < vertexTotal; i++) if (remap[i] === i) newIndex[i] = next++;
  const outParam = new Float64Array(next * 3);
  for (let i = 0; i < vertexTotal; i++) {
    if (newIndex[i] < 0) continue;
    outParam.set(param.subarray(i * 3, i * 3 + 3), newIndex[i] * 3);
  }
  const out = new Uint32Array(indices.length);
  for (let k = 0; k < indices.length; k++) out[k] = newIndex[remap[indices[k]]];
  return { indices: out, param: outParam };
}

export function flipWinding(indices: Uint32Array): void {
  for (let t = 0; t < indices.length; t += 3) {
    const b = indices[t + 1];
    indices[t + 1] = indices[t + 2];
    indices[t + 2] = b;
  }
}
