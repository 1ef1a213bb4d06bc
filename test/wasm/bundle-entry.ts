/**
 * A Worker that loads every module of wasm/ and uses each once: what test/wasm/wasm-bundle.test.ts
 * bundles with esbuild the way wrangler does and runs in workerd. POST a Draco file to decode it.
 */
import { loadDracoDecoder } from '../../wasm/draco-decoder.ts';
import { loadManifold } from '../../wasm/manifold.ts';
import { loadMeshoptDecoder } from '../../wasm/meshopt-decoder.ts';
import { loadMeshoptEncoder } from '../../wasm/meshopt-encoder.ts';

interface DracoDecoderModule {
  Decoder: new () => { DecodeArrayToMesh(data: Int8Array, size: number, mesh: unknown): { ok(): boolean; error_msg(): string } };
  Mesh: new () => { num_points(): number; num_faces(): number };
  destroy(object: unknown): void;
}

export default {
  async fetch(request: Request): Promise<Response> {
    const manifold = await loadManifold();
    const box = manifold.Manifold.cube([10, 20, 30], true).subtract(manifold.Manifold.sphere(4, 32));
    const solid = { status: box.status(), volume: box.volume() };
    box.delete();

    const encoder = await loadMeshoptEncoder();
    const decoder = await loadMeshoptDecoder();
    const vertices = new Float32Array(Array.from({ length: 300 }, (_, i) => Math.sin(i)));
    const encoded = encoder.encodeVertexBuffer(new Uint8Array(vertices.buffer), 100, 12);
    const decoded = new Uint8Array(1200);
    decoder.decodeVertexBuffer(decoded, 100, 12, encoded);
    const meshopt = { encodedBytes: encoded.byteLength, roundTrip: decoded.every((b, i) => b === new Uint8Array(vertices.buffer)[i]) };

    const draco = (await loadDracoDecoder()) as DracoDecoderModule;
    const bytes = new Int8Array(await request.arrayBuffer());
    const dracoDecoder = new draco.Decoder();
    const mesh = new draco.Mesh();
    const status = dracoDecoder.DecodeArrayToMesh(bytes, bytes.byteLength, mesh);
    const dracoResult = { ok: status.ok(), points: mesh.num_points(), faces: mesh.num_faces() };
    draco.destroy(mesh);
    draco.destroy(dracoDecoder);

    return Response.json({ solid, meshopt, draco: dracoResult });
  },
};
