/**
 * Counting a 3MF's triangles at upload streams the model part through inflate with a budget: the
 * count is exact across piece boundaries, and it stops as soon as the triangles pass the limit —
 * before inflating the rest (here, before a broken tail it would otherwise trip over).
 */
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { countMeshTriangles } from '../../src/pipeline/import/count-triangles.ts';
import { createTagCounter } from '../../src/pipeline/import/tag-counter.ts';
import { TETRA_OBJECT, deflatePieces, zipOfRawEntries } from '../helpers/zip-bomb.ts';

const MODEL_HEAD = '<model unit="millimeter"><resources><object id="1"><mesh><vertices/><triangles>';
const MODEL_TAIL = '</triangles></mesh></object></resources><build><item objectid="1"/></build></model>';

function triangles(n: number): string {
  let text = '';
  for (let i = 0; i < n; i++) text += `<triangle v1="${i}" v2="${i + 1}" v3="${i + 2}"/>\n`;
  return text;
}

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('createTagCounter', () => {
  it('counts the same whatever size the pieces are cut to', () => {
    const text = strToU8(
      `<triangles><triangle v1="0"/><triangle\tv1="1"/><triangle/><trianglex/>< triangle/><triangle\r\n/><<triangle v1="2"/>`,
    );
    for (let size = 1; size <= text.length; size++) {
      const counter = createTagCounter('triangle');
      let total = 0;
      for (let at = 0; at < text.length; at += size) total = counter.push(text.subarray(at, at + size));
      expect(total, `pieces of ${size}`).toBe(5);
    }
  });
});

describe('countMeshTriangles on 3MF', () => {
  it('counts every <triangle> exactly, tags split across inflate pieces included', () => {
    // Stored (level 0) blocks: the text arrives in the reader's 4 KB pieces, cutting tags anywhere.
    const text = strToU8(MODEL_HEAD + triangles(7777) + MODEL_TAIL);
    const deflated = deflatePieces([text], { level: 0 });
    const file = zipOfRawEntries([{ name: '3D/3dmodel.model', deflated, uncompressedSize: text.length }]);
    expect(countMeshTriangles(file, '3mf')).toBe(7777);
    // Other whitespace after the tag name counts too; <triangles> does not.
    const spaced = zipSync({
      '3D/3dmodel.model': strToU8(`<model><resources>${TETRA_OBJECT.replace('<triangle v1', '<triangle\n v1')}</resources></model>`),
    });
    expect(countMeshTriangles(spaced, '3mf')).toBe(4);
  });

  it('stops at the triangle budget without inflating the rest of the part', () => {
    // 20k triangles, then a deflate block of the reserved type 3: inflating that far is an error.
    const text = strToU8(MODEL_HEAD + triangles(20_000));
    const deflated = deflatePieces([text], { level: 0, finish: false });
    const brokenTail = new Uint8Array(64).fill(0xff);
    const file = zipOfRawEntries([
      { name: '3D/3dmodel.model', deflated: concat(deflated, brokenTail), uncompressedSize: text.length + 1_000_000 },
    ]);
    expect(codeOf(() => countMeshTriangles(file, '3mf', { maxTriangles: 1000 }))).toBe('too_many_triangles');
    // With room for them all, the reader does reach the tail and calls the file what it is.
    expect(codeOf(() => countMeshTriangles(file, '3mf', { maxTriangles: 100_000 }))).toBe('mesh_corrupt');
  });

  it('still refuses parts whose declared sizes add up past the limit before inflating anything', () => {
    const text = strToU8(MODEL_HEAD + triangles(10) + MODEL_TAIL);
    const file = zipSync({ '3D/3dmodel.model': text, '3D/other.model': text });
    expect(codeOf(() => countMeshTriangles(file, '3mf', { maxUncompressedBytes: text.length + 10 }))).toBe('file_too_large');
  });
});

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
