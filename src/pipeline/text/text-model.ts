/**
 * The text solid with the figures its report states (size, piece count), in one function that both
 * the job (run-text-pipeline.ts) and the create page's live preview (a Web Worker running this same
 * module on manifold-3d in the browser) call: so the preview and the made part agree by construction,
 * not by a second implementation of the plate, border, screw holes and keychain outline.
 */
import type { ManifoldToplevel } from 'manifold-3d';
import { countParts } from '../analyze/count-parts.ts';
import type { KeychainPosition } from '../extrude/keychain.ts';
import type { Mesh } from '../mesh.ts';
import { boundingBox, boxSize } from '../mesh.ts';
import type { SolidCheck } from '../validate.ts';
import { validateSolid } from '../validate.ts';
import { buildTextSolid } from './text-solid.ts';
import type { TextStyle } from './text-solid.ts';

/** The fields of a text job that shape the solid (the rest say what to export). */
export interface TextShapeParams {
  textStyle: TextStyle;
  widthMm: number;
  textHeightMm: number;
  plateMm: number;
  marginMm: number;
  borderMm: number;
  holeMm: number;
  keychainPosition: KeychainPosition;
}

export interface TextModel {
  /** The checked solid: what is exported. */
  mesh: Mesh;
  check: SolidCheck;
  /** Bounding-box size, mm, to 0.01 mm as the report states it. */
  sizeMm: [number, number, number];
  parts: number;
}

export function buildTextModel(text: string, fontBytes: Uint8Array, params: TextShapeParams, wasm: ManifoldToplevel): TextModel {
  const solid = buildTextSolid(fontBytes, text, wasm, {
    style: params.textStyle,
    widthMm: params.widthMm,
    textHeightMm: params.textHeightMm,
    plateMm: params.plateMm,
    marginMm: params.marginMm,
    borderMm: params.borderMm,
    holeMm: params.holeMm,
    keychainPosition: params.keychainPosition,
  });
  const check = validateSolid(solid, wasm, 'text');
  const sizeMm = boxSize(boundingBox(check.mesh)).map((s) => Math.round(s * 100) / 100) as [number, number, number];
  return { mesh: check.mesh, check, sizeMm, parts: countParts(check.mesh) };
}
