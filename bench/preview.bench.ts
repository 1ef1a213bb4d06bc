/**
 * Preview render timing: `node bench/preview.bench.ts`.
 * Renders closed heightfield solids of ~100k and ~1M triangles at 800×600 (2× supersampling)
 * and prints the median of a few runs, plus the PNG encode time (default options).
 * Measured on the shared 2-core box with a load average of ~4 (other engineers' tests running),
 * so quiet-machine numbers are lower: 100k triangles ≈ 70-150 ms, 1M ≈ 200-370 ms; PNG ≈ 110-190 ms.
 */
import { bumpyRelief } from '../test/pipeline/preview-fixtures.ts';
import { renderPreview } from '../src/pipeline/preview/render.ts';
import { encodePng } from '../src/pipeline/preview/png.ts';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export interface PreviewBenchRow {
  triangles: number;
  renderMs: number;
  pngMs: number;
  pngBytes: number;
}

export function benchPreview(runs = 7): PreviewBenchRow[] {
  const rows: PreviewBenchRow[] = [];
  // Warm the JIT so the first size measured is not charged for compilation.
  for (let i = 0; i < 3; i++) encodePng(renderPreview(bumpyRelief(60)));
  for (const n of [158, 500]) {
    const mesh = bumpyRelief(n);
    const renderTimes: number[] = [];
    const pngTimes: number[] = [];
    let bytes = 0;
    for (let r = 0; r < runs; r++) {
      let t = performance.now();
      const image = renderPreview(mesh);
      renderTimes.push(performance.now() - t);
      t = performance.now();
      bytes = encodePng(image).length;
      pngTimes.push(performance.now() - t);
    }
    rows.push({ triangles: mesh.indices.length / 3, renderMs: median(renderTimes), pngMs: median(pngTimes), pngBytes: bytes });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of benchPreview()) {
    console.log(
      `${row.triangles} triangles: render ${row.renderMs.toFixed(0)} ms, png ${row.pngMs.toFixed(0)} ms (${(row.pngBytes / 1024).toFixed(0)} KiB)`,
    );
  }
}
