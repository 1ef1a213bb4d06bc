/**
 * The BlobStorage contract, run against every backend from the same assertions: local disk on Node
 * (`npm test`) and R2 inside workerd (`npm run test:workers`).
 */
import { describe, expect, it } from 'vitest';
import type { BlobStorage } from '../../src/domain/storage.ts';

async function* chunksOf(...parts: string[]): AsyncIterable<Uint8Array> {
  for (const p of parts) yield new TextEncoder().encode(p);
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

export function blobStorageContract(backend: string, make: () => Promise<BlobStorage>): void {
  describe(`BlobStorage contract: ${backend}`, () => {
    it('stores chunks whole and reports length and SHA-256', async () => {
      const storage = await make();
      const stored = await storage.put('users/u1/uploads/a/original', chunksOf('hello ', 'world'));
      expect(stored.byteLength).toBe(11);
      // sha256("hello world")
      expect(stored.sha256).toBe('b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9');
      expect(new TextDecoder().decode(await storage.get('users/u1/uploads/a/original'))).toBe('hello world');
      expect(await storage.size('users/u1/uploads/a/original')).toBe(11);
    });

    it('streams a byte range, inclusive', async () => {
      const storage = await make();
      await storage.put('users/u1/jobs/j/model.stl', chunksOf('0123456789'));
      expect(await readAll(storage.stream('users/u1/jobs/j/model.stl', { start: 2, end: 5 }))).toBe('2345');
      expect(await readAll(storage.stream('users/u1/jobs/j/model.stl'))).toBe('0123456789');
    });

    it('refuses a body past maxBytes with payload_too_large and keeps nothing', async () => {
      const storage = await make();
      await expect(storage.put('users/u1/uploads/big/original', chunksOf('12345', '67890'), { maxBytes: 8 })).rejects.toMatchObject({
        code: 'payload_too_large',
      });
      expect(await storage.size('users/u1/uploads/big/original')).toBeUndefined();
    });

    it('deletes one key and whole prefixes, and a missing key reads as absent', async () => {
      const storage = await make();
      await storage.put('users/u2/jobs/a/x', chunksOf('x'));
      await storage.put('users/u2/jobs/b/y', chunksOf('y'));
      await storage.put('users/u22/jobs/c/z', chunksOf('z'));
      await storage.delete('users/u2/jobs/a/x');
      expect(await storage.size('users/u2/jobs/a/x')).toBeUndefined();
      await storage.deletePrefix('users/u2/');
      expect(await storage.size('users/u2/jobs/b/y')).toBeUndefined();
      expect(await storage.size('users/u22/jobs/c/z')).toBe(1); // a sibling sharing the prefix text stays
      await expect(storage.get('users/u2/jobs/b/y')).rejects.toThrow();
    });

    it('lists the objects under a prefix, with when each was written', async () => {
      const storage = await make();
      const before = Date.now();
      await storage.put('staging/uploads/a.n0nce', chunksOf('a'));
      await storage.put('staging/uploads/b.direct', chunksOf('b'));
      await storage.put('stagingx/c', chunksOf('c')); // a sibling sharing the prefix text is not listed
      const after = Date.now();
      const listed: Array<{ key: string; writtenAt: number }> = [];
      for await (const object of storage.list('staging/')) listed.push(object);
      expect(listed.map((o) => o.key).sort()).toEqual(['staging/uploads/a.n0nce', 'staging/uploads/b.direct']);
      // Clocks of file systems and R2 round to the second or so.
      for (const { writtenAt } of listed) {
        expect(writtenAt).toBeGreaterThanOrEqual(before - 2000);
        expect(writtenAt).toBeLessThanOrEqual(after + 2000);
      }
      const nothing: unknown[] = [];
      for await (const object of storage.list('nothing-here/')) nothing.push(object);
      expect(nothing).toEqual([]);
    });

    it('moves an object into place, replacing the target', async () => {
      const storage = await make();
      await storage.put('users/u3/uploads/a/staged', chunksOf('new'));
      await storage.put('users/u3/uploads/a/original', chunksOf('old'));
      await storage.move('users/u3/uploads/a/staged', 'users/u3/uploads/a/original');
      expect(new TextDecoder().decode(await storage.get('users/u3/uploads/a/original'))).toBe('new');
      expect(await storage.size('users/u3/uploads/a/staged')).toBeUndefined();
    });

    it('refuses keys that could escape their folder', async () => {
      const storage = await make();
      for (const key of ['../etc/passwd', '/abs', 'users/../x', 'a b']) {
        await expect(storage.put(key, chunksOf('x'))).rejects.toThrow(/bad key|escapes/);
      }
    });
  });
}
