/**
 * The live preview's geometry, computed in the browser from the downscaled picture: a heightmap
 * displaced into a closed slab (flat, wrapped round an arc or a full cylinder; a frame as a border
 * of samples, a cylinder's as bottom and top rings, as the pipeline adds them; a flat plate
 * optionally stood in a foot), or a logo (preview-logo.ts). Millimetres, Z up, standing on z = 0
 * and centred on x = y = 0 — the print bed's frame. It follows the pipeline's mapping (dark =
 * thick for lithophanes, bright = high for reliefs) and sizes, not its adaptive meshing: the
 * server's model is what gets printed.
 */
import { BoxGeometry, BufferGeometry, Float32BufferAttribute } from 'three';
import { tone } from '../picture.ts';
import type { Picture } from '../picture.ts';
import { frameForText, stampFrameText } from './preview-frame-text.ts';
import type { FrameTextParams } from './preview-frame-text.ts';
import { logoGeometries } from './preview-logo.ts';
import type { LogoParams } from './preview-logo.ts';
import { closesAcross, SHAPED, shapedPoint } from './preview-shapes.ts';
import type { Shaped } from './preview-shapes.ts';

/** A logo's parameters (preview-logo.ts) and those of the heightmap modes. */
export interface PreviewParams extends LogoParams, Omit<FrameTextParams, 'geometry'> {
  mode: 'lithophane' | 'relief' | 'extrude' | 'colour-relief' | 'colour-lithophane';
  shape: 'flat' | 'arc' | 'cylinder' | Shaped;
  /** Globe: its diameter, mm. */
  diameterMm?: number;
  minHeightMm: number;
  maxHeightMm: number;
  baseMm: number;
  minThicknessMm: number;
  maxThicknessMm: number;
  arcDegrees: number;
  frameMm: number;
  frameThicknessMm: number;
  stand: boolean;
  geometry: LogoParams['geometry'] &
    FrameTextParams['geometry'] & { stand: { footHeightMm: number; footDepthMm: number; embedMm: number } };
}

export interface PreviewGeometry {
  geometries: BufferGeometry[];
  sizeMm: [number, number, number];
  /** Separate pieces the print would be. */
  parts: number;
}

type Vec3 = [number, number, number];

/** Builds the preview geometries; the caller owns (and disposes) them. */
export function buildPreview(picture: Picture, params: PreviewParams): PreviewGeometry {
  // Frame text on a lithophane without a frame: the server adds one for it.
  const p = { ...params, frameMm: params.mode === 'lithophane' ? frameForText(params) : params.frameMm };
  if (p.mode === 'extrude') {
    const { geometries, parts } = logoGeometries(picture, p);
    return { ...placeOnBed(geometries), parts };
  }
  const slab = slabGeometry(picture, p);
  const standing = p.mode === 'lithophane' && p.shape === 'flat' && p.stand;
  return { ...placeOnBed(standing ? withStand(slab, p.geometry.stand) : [slab]), parts: 1 };
}

/** stand.ts: the plate turned upright (relief facing -y), its bottom edge sunk into a foot 10 mm wider. */
function withStand(plate: BufferGeometry, s: PreviewParams['geometry']['stand']): BufferGeometry[] {
  plate.rotateX(Math.PI / 2);
  plate.computeBoundingBox();
  const b = plate.boundingBox!;
  plate.translate(0, -(b.min.y + b.max.y) / 2, s.footHeightMm - s.embedMm - b.min.z);
  const width = b.max.x - b.min.x + 10;
  const foot = new BoxGeometry(width, s.footDepthMm, s.footHeightMm);
  foot.translate((b.min.x + b.max.x) / 2, 0, s.footHeightMm / 2);
  return [plate, foot];
}

function aspect(picture: Picture): number {
  return picture.height / picture.width;
}

/**
 * Thickness/height per sample (mm), from the toned brightness, with a lithophane's frame as a
 * border of samples at the frame's thickness (a cylinder's as bands at the bottom and top only):
 * the picture's grid grown by `frameCols` and `frameRows` samples a side.
 */
function heights(
  picture: Picture,
  p: PreviewParams,
): { values: Float32Array; cols: number; rows: number; frameCols: number; frameRows: number } {
  const v = tone(picture, p);
  const framed = p.mode === 'lithophane' && p.frameMm > 0;
  const pitch = p.widthMm / Math.max(1, picture.width - 1);
  const frame = framed ? Math.max(1, Math.round(p.frameMm / pitch)) : 0;
  const frameCols = p.shape === 'cylinder' ? 0 : frame;
  const frameRows = frame;
  const cols = picture.width + 2 * frameCols;
  const rows = picture.height + 2 * frameRows;
  const values = new Float32Array(cols * rows).fill(p.frameThicknessMm);
  for (let j = 0; j < picture.height; j++)
    for (let i = 0; i < picture.width; i++) {
      const b = p.invert ? 1 - v[j * picture.width + i] : v[j * picture.width + i];
      values[(j + frameRows) * cols + i + frameCols] =
        // A colour lithophane previews as its white texture body (the colours are in colour.png).
        p.mode === 'lithophane' || p.mode === 'colour-lithophane'
          ? p.minThicknessMm + (1 - b) * (p.maxThicknessMm - p.minThicknessMm)
          : p.baseMm + p.minHeightMm + b * (p.maxHeightMm - p.minHeightMm);
    }
  stampFrameText(values, cols, rows, frameRows, pitch, p);
  return { values, cols, rows, frameCols, frameRows };
}

/** A closed slab: the displaced outer surface, the plain inner surface and the walls between. */
function slabGeometry(picture: Picture, p: PreviewParams): BufferGeometry {
  const { values: h, cols, rows, frameCols, frameRows } = heights(picture, p);
  const frameMm = frameRows > 0 ? p.frameMm : 0;
  const W = p.widthMm + (frameCols > 0 ? 2 * frameMm : 0);
  const H = p.widthMm * aspect(picture) + 2 * frameMm;
  const shaped = p.mode === 'lithophane' && (SHAPED as readonly string[]).includes(p.shape) ? (p.shape as Shaped) : undefined;
  const curved = p.mode === 'lithophane' && p.shape !== 'flat' && !shaped;
  const closed = (curved && p.shape === 'cylinder') || (shaped !== undefined && closesAcross(shaped));
  const arc = closed ? Math.PI * 2 : ((p.shape === 'arc' ? p.arcDegrees : 0) * Math.PI) / 180;
  const radius = curved ? W / arc : 0;
  // Samples across: a closed cylinder does not repeat its seam column.
  const uCount = cols;
  const uAt = (i: number) => (closed ? i / cols : i / (cols - 1));

  const point = (i: number, j: number, t: number): Vec3 => {
    const u = uAt(i);
    const v = j / (rows - 1);
    if (shaped) return shapedPoint(shaped, { widthMm: W, heightMm: H, diameterMm: p.diameterMm ?? W, arcDegrees: p.arcDegrees }, u, v, t);
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

/** Moves everything so the union stands on z = 0, centred on x = y = 0; returns its size. */
function placeOnBed(geometries: BufferGeometry[]): Omit<PreviewGeometry, 'parts'> {
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
