/** The printability report of a mesh job (repair or convert): before/after counts and a verdict. */
import type { UnitGuess } from './analyze/guess-units.ts';
import type { DefectCounts } from './repair/measure-defects.ts';
import type { RepairLog } from './repair/repair-mesh.ts';
import type { SolidReport } from './report.ts';

export interface MeshMeasures extends DefectCounts {
  /** Pairs of faces that cross each other (analyze/self-intersections.ts). */
  selfIntersections: number;
  /** Present (true) when that count stopped at its cap: "at least". */
  selfIntersectionsCapped?: true;
  volumeMm3: number;
  boundingBoxMm: SolidReport['boundingBoxMm'];
}

export interface MeshReport {
  mode: 'repair' | 'convert';
  inputFormat: string;
  inputUnit: string;
  /** The file's up axis as read: 'y' was turned to z (+90° about x) before anything was measured. */
  inputUpAxis: 'y' | 'z';
  /** Factor applied to the file's coordinates to get millimetres. */
  scaleToMm: number;
  /** Present when the size read the default way was implausible and the unit was guessed (or the model fitted); a warning says how to undo it. */
  unitGuess?: UnitGuess;
  before: MeshMeasures;
  after: MeshMeasures;
  repairs?: RepairLog;
  manifold: boolean;
  /** Why manifold-3d or our edge count refused it (convert mode only; repair fails instead). */
  notManifoldReason?: string;
  genus?: number;
  triangles: number;
  vertices: number;
  /** Zero-area triangles manifold-3d collapsed while building the solid for the check (triangles is after them). */
  sliversCollapsed: number;
  volumeMm3: number;
  boundingBoxMm: SolidReport['boundingBoxMm'];
  /** orient flat-base: the direction turned down (input frame), its first-layer contact, whether it was turned, whether the centre of mass lies over the base. */
  orientation?: { baseNormal: number[]; baseAreaMm2: number; rotated: boolean; stable: boolean };
  /** The first layer on the bed: the section half a 0.2 mm layer above it (analyze/bed-contact.ts); width is 2 x area / perimeter. */
  bedContact: { areaMm2: number; widthMm: number };
  /** Wall thickness from rays cast inward at points spread over the surface by area (analyze/thin-wall.ts). */
  thinWall?: { sampledFaces: number; minMm: number; p5Mm: number; medianMm: number };
  /** bedContactMm2 is bedContact.areaMm2 (the first layer's footprint). */
  overhang: { thresholdDeg: number; areaMm2: number; fraction: number; bedContactMm2: number };
  buildVolumeMm: number[];
  fitsBuildVolume: boolean;
  verdict: { printable: boolean; reasons: string[] };
  stagesMs: Record<string, number>;
  totalMs: number;
  peakMemoryMb?: number;
  outputs: Array<{ name: string; bytes: number }>;
  notes: string[];
  warnings: string[];
}
