/**
 * The CLI as a user runs it (bin/image-to-stl.js in a child process): help, real outputs on disk,
 * exit status 0 only on success, one line of reason otherwise.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeStl } from '../../src/pipeline/export/stl.ts';
import { sharedManifold } from '../../wasm/manifold.ts';

const BIN = fileURLToPath(new URL('../../bin/image-to-stl.js', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));
let dir: string;

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'its-cli-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('image-to-stl CLI', () => {
  it('--help lists the modes and exits 0', () => {
    const r = run('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage');
    expect(r.stdout).toMatch(/--mode lithophane[\s\S]*--mode relief[\s\S]*--mode extrude/);
  });

  it('writes STL, 3MF, preview and report for a lithophane of the asked width', async () => {
    const stl = join(dir, 'grey.stl');
    const threeMf = join(dir, 'grey.3mf');
    const preview = join(dir, 'grey.png');
    const report = join(dir, 'grey.json');
    const r = run(join(FIXTURES, 'grey.png'), '-o', stl, '-o', threeMf, '--width-mm', '60', '--preview', preview, '--report', report);
    expect(r.code, r.stderr).toBe(0);
    const bytes = await readFile(stl);
    const triangles = bytes.readUInt32LE(80);
    expect(bytes.byteLength).toBe(84 + 50 * triangles);
    expect((await stat(threeMf)).size).toBeGreaterThan(100);
    expect((await readFile(preview)).subarray(1, 4).toString()).toBe('PNG');
    const parsed = JSON.parse(await readFile(report, 'utf8'));
    expect(parsed.manifold).toBe(true);
    expect(parsed.triangles).toBe(triangles);
    expect(Math.abs(parsed.boundingBoxMm.size[0] - 60) / 60).toBeLessThan(0.005);
  });

  it('repairs a 3D file recognised by content', async () => {
    const wasm = await sharedManifold();
    const g = wasm.Manifold.cube([10, 10, 10]).getMesh();
    // Drop one triangle: an open box the repair must close.
    const open = { positions: Float32Array.from(g.vertProperties), indices: Uint32Array.from(g.triVerts).slice(3) };
    const input = join(dir, 'broken.bin');
    await writeFile(input, writeStl(open));
    const out = join(dir, 'fixed.stl');
    const report = join(dir, 'fixed.json');
    const r = run(input, '-o', out, '--report', report);
    expect(r.code, r.stderr).toBe(0);
    const parsed = JSON.parse(await readFile(report, 'utf8'));
    expect(parsed.mode).toBe('repair');
    expect(parsed.before.openEdges).toBe(3);
    expect(parsed.after.openEdges).toBe(0);
    expect(parsed.repairs.holesFilled).toBe(1);
    expect(parsed.manifold).toBe(true);
    expect((await readFile(out)).readUInt32LE(80)).toBe(12);
  });

  it('fails with exit 1 and one line naming the code for a bad picture, 2 for a bad command', async () => {
    const garbage = join(dir, 'garbage.png');
    await writeFile(garbage, 'not a picture at all');
    const bad = run(garbage, '-o', join(dir, 'x.stl'));
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('unsupported_format');
    await expect(stat(join(dir, 'x.stl'))).rejects.toThrow();

    const noOutput = run(join(FIXTURES, 'grey.png'));
    expect(noOutput.code).toBe(2);
    expect(noOutput.stderr).toContain('-o');
    expect(run(join(FIXTURES, 'grey.png'), '-o', join(dir, 'y.stl'), '--width-mm', 'wide').code).toBe(2);
    expect(run(join(FIXTURES, 'grey.png'), '-o', join(dir, 'y.step')).code).toBe(2);
  });

  it('takes a negative number as a value and says what is wrong with it', () => {
    const r = run(join(FIXTURES, 'grey.png'), '-o', join(dir, 'neg.stl'), '--width-mm', '-5');
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('ambiguous');
    expect(r.stderr).toMatch(/widthMm/);
  });

  it('refuses --backlit for a relief before doing any work', () => {
    const r = run(join(FIXTURES, 'grey.png'), '-o', join(dir, 'relief.stl'), '--mode', 'relief', '--backlit', join(dir, 'b.png'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--backlit');
    return expect(stat(join(dir, 'relief.stl'))).rejects.toThrow();
  });

  it('reads a picture whose size looks like a binary STL as a picture (extrude mode works)', async () => {
    const png = await readFile(join(FIXTURES, 'logo-holes.png'));
    // Pad past IEND to 84 + 50k bytes: decoders ignore trailing bytes, the old sniffer did not.
    const size = 84 + 50 * Math.ceil((png.length - 84) / 50 + 1);
    const padded = Buffer.alloc(size);
    png.copy(padded);
    const input = join(dir, 'logo-padded.png');
    await writeFile(input, padded);
    const r = run(input, '-o', join(dir, 'logo.stl'), '--mode', 'extrude', '--width-mm', '40');
    expect(r.code, r.stderr).toBe(0);
    expect((await stat(join(dir, 'logo.stl'))).size).toBeGreaterThan(84);
  });
  it('--text makes a nameplate from typed text in the bundled font; a corrupt font is one line, exit 1', async () => {
    const stl = join(dir, 'name.stl');
    const report = join(dir, 'name.json');
    const r = run('--text', 'Ada', '--text-style', 'nameplate', '--width-mm', '50', '-o', stl, '--report', report);
    expect(r.code, r.stderr).toBe(0);
    const parsed = JSON.parse(await readFile(report, 'utf8'));
    expect(parsed).toMatchObject({ mode: 'text', manifold: true, parts: 1 });
    // 50 mm of text (a little less ink) plus margin and border on both sides.
    expect(parsed.sizeMm[0]).toBeGreaterThan(50);
    expect(parsed.sizeMm[0]).toBeLessThanOrEqual(59.01);
    const bad = join(dir, 'bad.ttf');
    await writeFile(bad, 'not a font');
    const broken = run('--text', 'Ada', '--font', bad, '-o', stl);
    expect(broken.code).toBe(1);
    expect(broken.stderr.trim().split('\n')).toHaveLength(1);
    expect(broken.stderr).toContain('font_corrupt');
  });
});
