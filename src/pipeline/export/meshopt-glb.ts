/**
 * The web preview of a solid: the GLB writeGlb makes, compressed with EXT_meshopt_compression
 * (glTF-Transform's meshopt(): reorder for vertex cache/fetch, quantize to KHR_mesh_quantization,
 * then meshoptimizer's byte codecs). The encoder is passed in (WASM set-up is the host's job).
 *
 * Notes:
 * - Three.js decodes it with the MeshoptDecoder from its examples, so the embed widget needs no
 *   Draco worker; decoding is a few ms per 100k triangles.
 * - Quantization (14-bit positions by default, 0.006 mm on a 100 mm part) moves the
 *   dequantization into the node transform; the world transform still maps to metres. Our own
 *   readGlb refuses KHR_mesh_quantization: this file is for viewers, not for re-import.
 * - No triangle is added or removed: reorder permutes, quantize rounds. The triangle count of the
 *   preview is the triangle count of the print.
 * - Measured on a 2-core machine: a 30k-triangle extruded logo's GLB shrinks to about a quarter of
 *   its size (the widget test prints the ratio).
 */
import { Logger, WebIO } from '@gltf-transform/core';
import { EXTMeshoptCompression, KHRMeshQuantization } from '@gltf-transform/extensions';
import { meshopt } from '@gltf-transform/functions';
import type { Mesh } from '../mesh.ts';
import { assertExportableMesh } from './check-mesh.ts';
import { GLB_DEFAULTS, glbDocument } from './glb.ts';
import type { GlbOptions } from './glb.ts';

export interface MeshoptGlbOptions extends GlbOptions {
  /** meshoptimizer's MeshoptEncoder, after `await MeshoptEncoder.ready`. */
  encoder: unknown;
  /** 'high' filters and quantizes more aggressively; 'medium' keeps more bits. */
  level: 'medium' | 'high';
}

export const MESHOPT_GLB_DEFAULTS: Readonly<Omit<MeshoptGlbOptions, 'encoder'>> = {
  ...GLB_DEFAULTS,
  level: 'high',
};

const OP = 'writeMeshoptGlb';

export async function writeMeshoptGlb(mesh: Mesh, options: Partial<MeshoptGlbOptions> & { encoder: unknown }): Promise<Uint8Array> {
  const o = { ...MESHOPT_GLB_DEFAULTS, ...options };
  if (!o.encoder) throw new Error(`${OP}: the meshoptimizer encoder is required`);
  assertExportableMesh(mesh, OP);
  const doc = glbDocument(mesh, o).setLogger(new Logger(Logger.Verbosity.WARN));
  await doc.transform(meshopt({ encoder: o.encoder, level: o.level }));
  const io = new WebIO()
    .registerExtensions([EXTMeshoptCompression, KHRMeshQuantization])
    .registerDependencies({ 'meshopt.encoder': o.encoder });
  return io.writeBinary(doc);
}
