/**
 * Issue 17: a colour relief's 3MF, sliced by PrusaSlicer 2.5 headless (bench/printable/prusa.ini,
 * 0.2 mm layers), gives G-code with exactly one colour change (M600 after `;COLOR_CHANGE`) per
 * planned swap, each at the planned height, in the planned colour. .ci/run installs prusa-slicer
 * from Debian before the e2e suites; without it this file says so and skips.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { nodePipelineDeps } from '../../src/node/pipeline-deps.ts';
import type { SwapSheet } from '../../src/pipeline/colour/swap-sheet.ts';
import { resolveImageParams } from '../../src/pipeline/params.ts';
import { encodePng } from '../../src/pipeline/preview/png.ts';
import { runImagePipeline } from '../../src/pipeline/run-pipeline.ts';

const INI = fileURLToPath(new URL('../../bench/printable/prusa.ini', import.meta.url));
const slicer = spawnSync('prusa-slicer', ['--help'], { encoding: 'utf8' });
const hasSlicer = slicer.status === 0 || /PrusaSlicer/i.test(`${slicer.stdout}`);
if (!hasSlicer)
  console.warn('colour-relief-gcode: prusa-slicer is not installed (apt-get install -y prusa-slicer); skipping the G-code check');

/** Four colour bands from dark to light with a red and a yellow patch: needs every filament. */
function bandsPicture(width = 120, height = 80): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = 4 * (y * width + x);
      const band = Math.floor((4 * x) / width);
      const rgb = [
        [20, 20, 20],
        [190, 40, 45],
        [240, 210, 40],
        [245, 245, 240],
      ][band];
      data.set([...rgb, 255], i);
    }
  }
  return encodePng({ width, height, data });
}

const dir = mkdtempSync(join(tmpdir(), 'colour-gcode-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!hasSlicer)('colour relief through PrusaSlicer', () => {
  it('puts one M600 per planned swap at the planned print_z', async () => {
    const params = resolveImageParams({
      mode: 'colour-relief',
      filaments: ['white', 'black', 'yellow', 'red'],
      layerHeightMm: 0.2,
      baseMm: 0.6,
      maxHeightMm: 1.6,
      widthMm: 30,
      formats: ['3mf'],
      previews: false,
    });
    const result = await runImagePipeline(bandsPicture(), params, await nodePipelineDeps());
    const bytes = (name: string) => {
      const artifact = result.artifacts.find((a) => a.name === name);
      if (!artifact) throw new Error(`no ${name}`);
      return Buffer.concat([...artifact.chunks()]);
    };
    const sheet = JSON.parse(bytes('swap-sheet.json').toString('utf8')) as SwapSheet;
    expect(sheet.swaps.length).toBeGreaterThanOrEqual(2);
    const model = join(dir, 'relief.3mf');
    writeFileSync(model, bytes('model.3mf'));
    const parts = unzipSync(new Uint8Array(readFileSync(model)));
    expect(Object.keys(parts)).toContain('Metadata/custom_gcode_per_layer.xml');

    const gcode = join(dir, 'relief.gcode');
    const run = spawnSync('prusa-slicer', ['--load', INI, '--export-gcode', '-o', gcode, model], { encoding: 'utf8', timeout: 170_000 });
    expect(run.status, run.stderr).toBe(0);
    const changes = colourChanges(readFileSync(gcode, 'utf8'));
    expect(changes.map((c) => c.z)).toEqual(sheet.swaps.map((s) => s.printZMm));
    expect(changes.map((c) => c.hex.toLowerCase())).toEqual(sheet.swaps.map((s) => s.filament.hex));
    expect(changes.every((c) => c.m600)).toBe(true);
  });
});

/** Each `;COLOR_CHANGE,T0,#rrggbb` with the Z of the layer it starts and whether M600 follows. */
function colourChanges(text: string): Array<{ z: number; hex: string; m600: boolean }> {
  const lines = text.split('\n');
  const out: Array<{ z: number; hex: string; m600: boolean }> = [];
  let z = Number.NaN;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith(';Z:')) z = Number(line.slice(3));
    else if (line.startsWith(';COLOR_CHANGE')) out.push({ z, hex: line.split(',')[2] ?? '', m600: lines[i + 1]?.trim() === 'M600' });
  }
  return out;
}
