/**
 * What a mesh container is allowed to write (src/jobs/mesh-io.ts): one presigned PUT per artifact
 * name the job can produce, each for a key in this attempt's folder, and one GET for the input.
 * The names are a closed list: every artifact name the pipeline source writes must be on it for a
 * job asking every format, or such a job would fail at its store step on Cloudflare.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { artifactNamesFor, planMeshIo } from '../../src/jobs/mesh-io.ts';

const signer = {
  presignGet: async (key: string, o: { expiresInSeconds: number }) => ({
    url: `https://s3/get/${key}?e=${o.expiresInSeconds}`,
    expiresAt: 0,
  }),
  presignPutAnySize: async (key: string, o: { expiresInSeconds: number }) => ({
    url: `https://s3/put/${key}?e=${o.expiresInSeconds}`,
    expiresAt: 0,
  }),
};

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => join(e.parentPath, e.name));
}

describe('mesh io', () => {
  it('narrows the model files to the asked formats and keeps the side files', () => {
    const names = artifactNamesFor({ formats: ['stl', '3mf'] });
    expect(names).toContain('model.stl');
    expect(names).toContain('model.3mf');
    expect(names).not.toContain('model.glb');
    expect(names).toContain('report.json');
    expect(names).toContain('preview.png');
  });

  it('covers every artifact name the pipeline writes', async () => {
    const root = new URL('../../src/pipeline/', import.meta.url).pathname;
    const written = new Set<string>();
    for (const file of await sourceFiles(root)) {
      const text = await readFile(file, 'utf8');
      for (const m of text.matchAll(/bytesArtifact\(\s*'([^']+)'/g)) written.add(m[1]);
      for (const m of text.matchAll(/name: '(model\.[a-z0-9]+)'/g)) written.add(m[1]);
    }
    expect(written.size).toBeGreaterThan(8);
    const planned = artifactNamesFor({});
    expect([...written].filter((name) => !planned.includes(name))).toEqual([]);
  });

  it("signs each output for a key in the attempt's folder and the input for reading", async () => {
    const io = await planMeshIo(
      signer,
      { id: 'job_1', user_id: 'usr_1', attempts: 2, params: { formats: ['stl'] } },
      'users/usr_1/uploads/u/original',
      360,
    );
    expect(io.input?.url).toBe('https://s3/get/users/usr_1/uploads/u/original?e=360');
    expect(Object.keys(io.outputs)).toEqual(artifactNamesFor({ formats: ['stl'] }));
    for (const [name, { key, url }] of Object.entries(io.outputs)) {
      expect(key).toBe(`users/usr_1/jobs/job_1/attempt-2/${name}`);
      expect(url).toBe(`https://s3/put/${key}?e=360`);
    }
    const noUpload = await planMeshIo(signer, { id: 'job_2', user_id: 'usr_1', attempts: 1, params: {} }, undefined, 60);
    expect(noUpload.input).toBeUndefined();
  });
});
