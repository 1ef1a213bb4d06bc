/**
 * The live preview's geometry, computed in the browser from the downscaled picture: a heightmap
 * displaced into a closed slab (flat, wrapped round an arc or a full cylinder), or a thresholded
 * mask extruded cell by cell (with a keychain ring or as a cookie-cutter wall). Millimetres,
 * Z up, standing on z = 0 and centred on x = y = 0 — the print bed's frame. It mirrors the
 * pipeline's mapping (dark = thick for lithophanes, bright = high for reliefs, dark ink = solid
 * for extrusions) but not its adaptive meshing: the server's model is what gets printed.
 */
import { BufferGeometry, ExtrudeGeometry, Float32BufferAttribute, Path, Shape } from 'three';
import { tone } from '../picture.ts';
import type { Picture } from '../picture.ts';

export interface PreviewParams {
  mode: 'lithophane' | 'relief' | 'extrude';
  shape: 'flat' | 'arc' | 'cylinder';
  widthMm: number;
  invert: boolean;
  autoLevel: boolean;
  gamma: number;
  minHeightMm: number;
  maxHeightMm: number;
  baseMm: number;
  minThicknessMm: number;
  maxThicknessMm: number;
  arcDegrees: number;
  frameMm: number;
  frameThicknessMm: number;
  extrudeHeightMm: number;
  basePlateMm: number;
  threshold: number;
  keychain: boolean;
  keychainHoleMm: number;
  keychainPosition: 'top' | 'bottom' | 'left' | 'right' | 'top-left' | 'top-right';
  cookieCutter: boolean;
  cutterWallMm: number;
  cutterHeightMm: number;
}

export interface PreviewGeometry {
  geometries: BufferGeometry[];
  sizeMm: [number, number, number];
}

type Vec3 = [number, number, number];

/** Builds the preview geometries; the caller owns (and disposes) them. */
export function buildPreview(picture: Picture, p: PreviewParams): PreviewGeometry {
  const geometries = p.mode === 'extrude' ? extrudeGeometries(picture, p) : [slabGeometry(picture, p)];
  if (p.mode === 'lithophane' && p.shape === 'flat' && p.frameMm > 0) geometries.push(frameGeometry(picture, p));
  return placeOnBed(geometries);
}

function aspect(picture: Picture): number {
  return picture.height / picture.width;
}

/** Thickness/height per sample (mm), from the toned brightness. */
function heights(picture: Picture, p: PreviewParams): Float32Array {
  const v = tone(picture, p);
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const b = p.invert ? 1 - v[i] : v[i];
    out[i] =
      p.mode === 'lithophane'
        ? p.minThicknessMm + (1 - b) * (p.maxThicknessMm - p.minThicknessMm)
        : p.baseMm + p.minHeightMm + b * (p.maxHeightMm - p.minHeightMm);
  }
  return out;
}

/** A closed slab: the displaced outer surface, the plain inner surface and the walls between. */
function slabGeometry(picture: Picture, p: PreviewParams): BufferGeometry {
  const W = p.widthMm;
  const H = W * aspect(picture);
  const cols = picture.width;
  const rows = picture.height;
  const h = heights(picture, p);
  const curved = p.mode === 'lithophane' && p.shape !== 'flat';
  const closed = curved && p.shape === 'cylinder';
  const arc = closed ? Math.PI * 2 : ((p.shape === 'arc' ? p.arcDegrees : 0) * Math.PI) / 180;
  const radius = curved ? W / arc : 0;
  // Samples across: a closed cylinder does not repeat its seam column.
  const uCount = cols;
  const uAt = (i: number) => (closed ? i / cols : i / (cols - 1));

  const point = (i: number, j: number, t: number): Vec3 => {
    const u = uAt(i);
    const v = j / (rows - 1);
    if (!curved) return [(u - 0.5) * W, (0.5 - v) * H, t];
    const theta = (u - 0.5) * arc;
    const r = radius + t;
    return [r * Math.sin(theta), -r * Math.cos(theta), (1 - v) * H];
  };

  const positions: number[] = [];
  const outerIndex = (i: number, j: number) => j * uCount + (i % uCount);
  for (let j = 0; j < rows; j++) for (let i = 0; i < uCount; i++) positions.push(...point(i, j, h[j * cols + i]));
  const innerOffset = rows * uCount;
  for (let j = 0; j < rows; j++) for (let i = 0; i < uCount; i++) positions.push(...point(i, j, 0));

  const indices: number[] = [];
  const quad = (a: number, b: number, c: number, d: number) => indices.push(a, b, c, a, c, d);
  const iMax = closed ? uCount : uCount - 1;
  for (let j = 0; j < rows - 1; j++) {
    for (let i = 0; i < iMax; i++) {
      const a = outerIndex(i, j),
        b = outerIndex(i + 1, j),
        c = outerIndex(i + 1, j + 1),
        d = outerIndex(i, j + 1);
      quad(a, d, c, b); // outer, facing out
      quad(a + innerOffset, b + innerOffset, c + innerOffset, d + innerOffset); // inner, facing in
    }
  }
  // Walls: along the top and bottom rows, and the left and right columns unless closed.
  for (let i = 0; i < iMax; i++) {
    for (const j of [0, rows - 1]) {
      const a = outerIndex(i, j),
        b = outerIndex(i + 1, j);
      if (j === 0) quad(a, b, b + innerOffset, a + innerOffset);
      else quad(b, a, a + innerOffset, b + innerOffset);
    }
  }
  if (!closed) {
    for (let j = 0; j < rows - 1; j++) {
      for (const i of [0, uCount - 1]) {
        const a = outerIndex(i, j),
          d = outerIndex(i, j + 1);
        if (i === 0) quad(a + innerOffset, d + innerOffset, d, a);
        else quad(a, d, d + innerOffset, a + innerOffset);
      }
    }
  }
  const geometry = new BufferGeometry();
  geometry.setAttribute('position', new Float32BufferAttribute(positions, 3));
  geometry.setIndex(indices);
  geometry.computeVertexNormals();
  return geometry;
}

function frameGeometry(picture: Picture, p: PreviewParams): BufferGeometry {
  const W = p.widthMm;
  const H = W * aspect(picture);
  const f = p.frameMm;
  const outer = new Shape()
    .moveTo(-W / 2 - f, -H / 2 - f)
    .lineTo(W / 2 + f, -H / 2 - f)
    .lineTo(W / 2 + f, H / 2 + f)
    .lineTo(-W / 2 - f, H / 2 + f)
    .closePath();
  outer.holes.push(
    new Path()
      .moveTo(-W / 2, -H / 2)
      .lineTo(-W / 2, H / 2)
      .lineTo(W / 2, H / 2)
      .lineTo(W / 2, -H / 2)
      .closePath(),
  );
  return new ExtrudeGeometry(outer, { depth: p.frameThicknessMm, bevelEnabled: false });
}

/** Subject mask: dark ink on light paper (or the alpha channel when the picture has one). */
function mask(picture: Picture, p: PreviewParams): Uint8Array {
  const v = tone(picture, p);
  const out = new Uint8Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const s = picture.hasAlpha ? picture.alpha[i] - 0.5 : p.invert ? v[i] - p.threshold : p.threshold - v[i];
    out[i] = s > 0 ? 1 : 0;
  }
  return out;
}

/** Cookie cutter: keep only the subject's cells within the wall thickness of its edge. */
function outline(m: Uint8Array, cols: number, rows: number, cells: number): Uint8Array {
  const out = new Uint8Array(m.length);
  for (let j = 0; j < rows; j++) {
    for (let i = 0; i < cols; i++) {
      if (!m[j * cols + i]) continue;
      search: for (let dj = -cells; dj <= cells; dj++) {
        for (let di = -cells; di <= cells; di++) {
          const x = i + di,
            y = j + dj;
          if (x < 0 || y < 0 || x >= cols || y >= rows || !m[y * cols + x]) {
            out[j * cols + i] = 1;
            break search;
          }
        }
      }
    }
  }
  return out;
}

function extrudeGeometries(picture: Picture, p: PreviewParams): BufferGeometry[] {
  const cols = picture.width,
    rows = picture.height;
  const W = p.widthMm,
    H = W * aspect(picture);
  const pitch = W / cols;
  let m = mask(picture, p);
  let top = p.basePlateMm + p.extrudeHeightMm;
  if (p.cookieCutter) {
    m = outline(m, cols, rows, Math.max(1, Math.round(p.cutterWallMm / pitch)));
    top = p.cutterHeightMm;
  }
  const bottom = p.cookieCutter ? 0 : p.basePlateMm;
  const positions: number[] = [];
  const x = (i: number) => -W / 2 + i * pitch;
  const y = (j: number) => H / 2 - j * pitch;
  const quad = (a: Vec3, b: Vec3, c: Vec3, d: Vec3) => positions.push(...a, ...b, ...c, ...a, ...c, ...d);
  const inside = (i: number, j: number) => i >= 0 && j >= 0 && i < cols && j < rows && m[j * cols + i] === 1;
  let minI = cols,
    maxI = -1,
    minJ = rows,
    maxJ = -1;
  for (let j = 0; j < rows; j++) {
    for (let i = 0; i < cols; i++) {
      if (!inside(i, j)) continue;
      (minI = Math.min(minI, i)), (maxI = Math.max(maxI, i)), (minJ = Math.min(minJ, j)), (maxJ = Math.max(maxJ, j));
      const x0 = x(i),
        x1 = x(i + 1),
        y0 = y(j + 1),
        y1 = y(j);
      quad([x0, y0, top], [x1, y0, top], [x1, y1, top], [x0, y1, top]);
      if (!inside(i, j + 1)) quad([x0, y0, bottom], [x1, y0, bottom], [x1, y0, top], [x0, y0, top]);
      if (!inside(i, j - 1)) quad([x1, y1, bottom], [x0, y1, bottom], [x0, y1, top], [x1, y1, top]);
      if (!inside(i - 1, j)) quad([x0, y1, bottom], [x0, y0, bottom], [x0, y0, top], [x0, y1, top]);
      if (!inside(i + 1, j)) quad([x1, y0, bottom], [x1, y1, bottom], [x1, y1, top], [x1, y0, top]);
      if (bottom === 0) quad([x0, y1, 0], [x1, y1, 0], [x1, y0, 0], [x0, y0, 0]);
    }
  }
  const geometries: BufferGeometry[] = [];
  if (positions.length > 0) {
    const g = new BufferGeometry();
    g.setAttribute('position', new Float32BufferAttribute(positions, 3));
    g.computeVertexNormals();
    geometries.push(g);
  }
  if (maxI < 0) return geometries;
  const box = { x0: x(minI), x1: x(maxI + 1), y0: y(maxJ + 1), y1: y(minJ) };
  if (!p.cookieCutter && p.basePlateMm > 0) {
    const plate = new Shape().moveTo(box.x0, box.y0).lineTo(box.x1, box.y0).lineTo(box.x1, box.y1).lineTo(box.x0, box.y1).closePath();
    geometries.push(new ExtrudeGeometry(plate, { depth: p.basePlateMm, bevelEnabled: false }));
  }
  if (p.keychain && !p.cookieCutter) geometries.push(ringGeometry(box, p));
  return geometries;
}

function ringGeometry(box: { x0: number; x1: number; y0: number; y1: number }, p: PreviewParams): BufferGeometry {
  const hole = p.keychainHoleMm / 2;
  const outerR = hole + Math.max(2, hole * 0.8);
  const cx = (box.x0 + box.x1) / 2,
    cy = (box.y0 + box.y1) / 2;
  const reach = outerR * 0.9;
  const centre: Record<PreviewParams['keychainPosition'], [number, number]> = {
    top: [cx, box.y1 + reach],
    bottom: [cx, box.y0 - reach],
    left: [box.x0 - reach, cy],
    right: [box.x1 + reach, cy],
    'top-left': [box.x0 - reach * 0.7, box.y1 + reach * 0.7],
    'top-right': [box.x1 + reach * 0.7, box.y1 + reach * 0.7],
  };
  const [ox, oy] = centre[p.keychainPosition];
  const shape = new Shape().absarc(ox, oy, outerR, 0, Math.PI * 2, false);
  shape.holes.push(new Path().absarc(ox, oy, hole, 0, Math.PI * 2, true));
  const depth = p.basePlateMm + p.extrudeHeightMm;
  return new ExtrudeGeometry(shape, { depth: Math.max(1, Math.min(depth, 4)), bevelEnabled: false, curveSegments: 32 });
}

/** Moves everything so the union stands on z = 0, centred on x = y = 0; returns its size. */
function placeOnBed(geometries: BufferGeometry[]): PreviewGeometry {
  const min: Vec3 = [Infinity, Infinity, Infinity];
  const max: Vec3 = [-Infinity, -Infinity, -Infinity];
  for (const g of geometries) {
    g.computeBoundingBox();
    const b = g.boundingBox!;
    (min[0] = Math.min(min[0], b.min.x)), (min[1] = Math.min(min[1], b.min.y)), (min[2] = Math.min(min[2], b.min.z));
    (max[0] = Math.max(max[0], b.max.x)), (max[1] = Math.max(max[1], b.max.y)), (max[2] = Math.max(max[2], b.max.z));
  }
  if (!Number.isFinite(min[0])) return { geometries, sizeMm: [0, 0, 0] };
  const dx = -(min[0] + max[0]) / 2,
    dy = -(min[1] + max[1]) / 2,
    dz = -min[2];
  for (const g of geometries) g.translate(dx, dy, dz);
  return { geometries, sizeMm: [max[0] - min[0], max[1] - min[1], max[2] - min[2]] };
}
