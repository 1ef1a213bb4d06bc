/**
 * Every mesh in ../shared/corpus/meshes: imported without a crash, repaired into a solid that both
 * our edge count and manifold-3d accept, or refused with a specific code and reason; and our
 * "before" counts agree with admesh where both measure the same thing.
 *
 * admesh mapping (admesh 0.98, `admesh --exact FILE`, "Original" column; STL only):
 *   "Number of facets"                 == report.before.triangles
 *   1 x "Facets with 1 disconnected edge" + 2 x "... 2 ..." + 3 x "... 3 ..."
 *                                      == report.before.openEdges (each open edge has one facet)
 * Not compared: admesh's "Backwards edges"/"Facets reversed" count facets its own walk flips
 * (6 for normal-directions-bad, where we count 3 orientation-conflict edges and 1 flipped face);
 * "Number of parts" after its default repair (it keeps stray facets we drop); its volume after
 * its own hole filling (recorded in the table for admesh_* files and compared within 1%).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedManifold } from '../../wasm/manifold.ts';
import { sharedGlbDecoders } from '../../src/node/mesh-decoders.ts';
import { isPipelineError } from '../../src/pipeline/errors.ts';
import { resolveMeshParams } from '../../src/pipeline/mesh-params.ts';
import { runMeshPipeline, type MeshPipelineDeps } from '../../src/pipeline/run-mesh-pipeline.ts';
import { countEdgeDefects } from '../../src/pipeline/validate.ts';
import { CORPUS, corpusFiles, corpusPresent } from './corpus-path.ts';

const hasAdmesh = (() => {
  try {
    execFileSync('admesh', ['--help'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    return (error as { status?: number }).status !== undefined && (error as { code?: string }).code !== 'ENOENT';
  }
})();

let deps: MeshPipelineDeps;
beforeAll(async () => {
  deps = { manifold: await sharedManifold(), decoders: await sharedGlbDecoders(), clock: () => performance.now() };
});

const rows: string[] = [];
afterAll(() => {
  if (rows.length === 0) return;
  console.log(
    [
      '| file | tris | open b/a | non-manifold b/a | shells b/a | self-intersecting pairs b/a | flipped edges b / faces fixed | volume mm3 | verdict | ms | admesh exact: facets, open edges; default: volume |',
      '|---|---:|---|---|---|---|---|---:|---|---:|---|',
      ...rows,
    ].join('\n'),
  );
});

interface AdmeshCounts {
  facets: number;
  openEdges: number;
  volume?: number;
}

function admesh(path: string, args: string[]): AdmeshCounts | undefined {
  let text: string;
  try {
    text = execFileSync('admesh', [...args, path], { encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch {
    return undefined; // admesh rejects some files (multibody: "syntactically very wrong")
  }
  const original = (label: string) => Number(new RegExp(`${label}\\s*:\\s*(\\d+)`).exec(text)?.[1] ?? NaN);
  const facets = original('Number of facets');
  if (!Number.isFinite(facets)) return undefined;
  const open =
    original('Facets with 1 disconnected edge') +
    2 * original('Facets with 2 disconnected edges') +
    3 * original('Facets with 3 disconnected edges');
  const volume = Number(/Volume\s*:\s*([-\d.]+)/.exec(text)?.[1] ?? NaN);
  return { facets, openEdges: open, volume: Number.isFinite(volume) ? volume : undefined };
}

describe.skipIf(!corpusPresent)('corpus: meshes', () => {
  const files = corpusFiles('meshes');
  it('has meshes to test', () => expect(files.length).toBeGreaterThan(20));
  for (const file of files) {
    it(`${file}: a solid or a specific reason`, async () => {
      const path = `${CORPUS}meshes/${file}`;
      const bytes = new Uint8Array(readFileSync(path));
      const started = performance.now();
      let row: string;
      try {
        const { mesh, report } = await runMeshPipeline(
          bytes,
          resolveMeshParams({ mode: 'repair', formats: ['stl'], previews: false }),
          deps,
        );
        const ms = Math.round(performance.now() - started);
        expect(report.manifold).toBe(true);
        expect(countEdgeDefects(mesh)).toEqual({ open: 0, overused: 0 });
        expect(report.after.openEdges + report.after.nonManifoldEdges + report.after.flippedEdges).toBe(0);
        const b = report.before,
          a = report.after;
        if (file === 'trimesh_pyramids.3mf') {
          // The build as printed: 9 items, object 7 = two parts, all apart. MANIFEST.md's 3172 /
          // 27 / 3 is each object's mesh once, untransformed, merged (see import/threemf.ts).
          expect([b.triangles, b.nonManifoldEdges, b.shells]).toEqual([3276, 0, 12]);
        }
        let admeshCell = 'n/a';
        if (hasAdmesh && /\.stl$/i.test(file)) {
          const exact = admesh(path, ['--exact']);
          const full = admesh(path, []);
          if (exact) {
            expect(b.triangles).toBe(exact.facets);
            expect(b.openEdges).toBe(exact.openEdges);
            admeshCell = `${exact.facets}, ${exact.openEdges}; ${full?.volume ?? '-'}`;
            if (file.startsWith('admesh_') && full?.volume) {
              expect(Math.abs(report.volumeMm3 - full.volume) / full.volume).toBeLessThan(0.01);
            }
          } else {
            admeshCell = 'admesh rejects the file';
          }
        }
        row = `| ${file} | ${b.triangles} -> ${a.triangles} | ${b.openEdges} / ${a.openEdges} | ${b.nonManifoldEdges} / ${a.nonManifoldEdges} | ${b.shells} / ${a.shells} | ${b.selfIntersections} / ${a.selfIntersections} | ${b.flippedEdges} / ${report.repairs?.flippedFacesFixed ?? 0} | ${report.volumeMm3} | ${report.verdict.printable ? 'printable' : report.verdict.reasons.join('; ')} | ${ms} | ${admeshCell} |`;
      } catch (error) {
        if (!isPipelineError(error)) throw error;
        expect(['repair_failed', 'mesh_empty', 'mesh_corrupt', 'unsupported_format']).toContain(error.code);
        expect(error.message.length).toBeGreaterThan(20);
        row = `| ${file} | - | - | - | - | - | - | - | ${error.code}: ${error.message} | ${Math.round(performance.now() - started)} | - |`;
      }
      rows.push(row);
    });
  }
});
