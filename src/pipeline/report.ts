/** The printability report a job hands back with its files. */
import type { SlicerSmoothingReport } from './heightmap-ops/slicer-friendly.ts';
import type { ImagePrintability } from './image-printability.ts';
import type { BoundingBox } from './mesh.ts';

export interface SolidReport {
  mode: string;
  shape?: string;
  manifold: boolean;
  triangles: number;
  vertices: number;
  volumeMm3: number;
  genus: number;
  /** Connected pieces; a slicer prints each as its own object. */
  parts: number;
  boundingBoxMm: { min: number[]; max: number[]; size: number[] };
  /** Height-sample grid the surface was meshed from. */
  grid?: { width: number; height: number; pitchMm: number; fullGridTriangles: number };
  requestedMaxErrorMm?: number;
  /** Largest deviation of the surface from the height field it was meshed from (after levelling). */
  achievedMaxErrorMm?: number;
  /** At most this far from the picture's own heights: the meshing error plus the largest levelling change. */
  maxErrorFromPictureMm?: number;
  /** What levelling islands under the nozzle's size changed (relief and flat lithophane). */
  slicerSmoothing?: SlicerSmoothingReport;
  /** Colour relief: how close the predicted print is to the photo, and the swaps (as in swap-sheet.json). */
  colour?: {
    meanDeltaE00: number;
    swapMethod: string;
    layerHeightMm: number;
    start: string;
    swaps: Array<{ layer: number; printZMm: number; filament: string }>;
  };
  /** Printable yes/no with reasons: feature width against the nozzle, build volume, bed contact, overhang (image-printability.ts). */
  printability: ImagePrintability;
  /** Relief and flat lithophane cut to the subject: where the outline came from, the pieces it had and the bars that join them. */
  outlineCut?: { source: 'alpha' | 'colour'; pieces: number; bridges: number };
  /** Lithophane frame text: the capital height it came out at (mm), its side and style, the letters' area (mm²). */
  frameText?: { letterMm: number; side: string; style: string; letterAreaMm2: number };
  /** Colour lithophane: the predicted backlit picture's mean CIEDE2000 to the photo, and one body per filament. */
  colourLithophane?: {
    meanDeltaE00: number;
    layerHeightMm: number;
    bodies: Array<{ filament: string; hex: string; extruder: number; volumeMm3: number }>;
  };
  stagesMs: Record<string, number>;
  totalMs: number;
  peakMemoryMb?: number;
  outputs: Array<{ name: string; bytes: number }>;
  warnings: string[];
}

export function roundedBox(box: BoundingBox): SolidReport['boundingBoxMm'] {
  const r = (v: number) => Math.round(v * 1000) / 1000;
  return {
    min: box.min.map(r),
    max: box.max.map(r),
    size: box.max.map((v, i) => r(v - box.min[i])),
  };
}
