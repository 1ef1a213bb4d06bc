/**
 * The grid an image job samples its picture on, from the picture's size and the parameters alone.
 * The prepare stage resamples to it and the work estimate (estimate.ts) prices and limits by it:
 * one function, so what a job is charged for is what it computes.
 */
import { printGrid } from './heightmap-ops/resample.ts';
import type { ImageJobParams } from './params.ts';

/** Longest side traced for logos: outlines are sub-pixel already, more pixels only cost time. */
export const EXTRUDE_MAX_SIDE = 1600;
/** A cylinder may sample up to 4 columns per source pixel: its circumference is often wider than the picture. */
const CYLINDER_UPSCALE = 4;

export interface JobGrid {
  width: number;
  height: number;
  pitchMm: number;
  /** The picture's width in mm (from heightMm and the aspect ratio when heightMm is given). */
  widthMm: number;
}

export type GridParams = Pick<ImageJobParams, 'mode' | 'shape' | 'widthMm' | 'heightMm' | 'resolutionMm'>;

export function imageJobGrid(source: { width: number; height: number }, params: GridParams): JobGrid {
  const widthMm = params.heightMm !== undefined ? (params.heightMm * source.width) / source.height : params.widthMm;
  if (params.mode === 'extrude') {
    const scale = Math.min(1, EXTRUDE_MAX_SIDE / Math.max(source.width, source.height));
    const width = scale < 1 ? Math.round(source.width * scale) : source.width;
    const height = scale < 1 ? Math.round(source.height * scale) : source.height;
    return { width, height, pitchMm: widthMm / width, widthMm };
  }
  // A globe is a ring too: its picture's width goes once round the equator.
  if (params.mode === 'lithophane' && (params.shape === 'cylinder' || params.shape === 'globe')) {
    // A ring of `columns` samples: the lithophane repeats the first at the end to close it.
    const columns = Math.max(8, Math.min(source.width * CYLINDER_UPSCALE, Math.round(widthMm / params.resolutionMm)));
    const pitchMm = widthMm / columns;
    const rows = Math.max(2, Math.round(((source.height / source.width) * widthMm) / pitchMm) + 1);
    return { width: columns, height: rows, pitchMm, widthMm };
  }
  return { ...printGrid(source, widthMm, params.resolutionMm), widthMm };
}
