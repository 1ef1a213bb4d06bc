/**
 * The live preview's frame text (web/app/three/preview-frame-text.ts) follows the server's rules:
 * only flat, arc and cylinder lithophanes write on their frame, and text on a lithophane without a
 * frame previews the frame the server adds (src/pipeline/params.ts), grown by what a stand hides.
 */
import { describe, expect, it } from 'vitest';
import { FRAME_TEXT } from '../../src/pipeline/modes/frame-text.ts';
import { resolveImageParams } from '../../src/pipeline/params.ts';
import { frameForText, frameTextOf } from '../../web/app/three/preview-frame-text.ts';

const GEOMETRY = {
  stand: { embedMm: 3 },
  frameText: {
    frameMm: FRAME_TEXT.frameMm,
    reliefMm: FRAME_TEXT.reliefMm,
    marginMm: FRAME_TEXT.marginMm,
    minLetterMm: FRAME_TEXT.minLetterMm,
  },
};
const base = { mode: 'lithophane', shape: 'flat', widthMm: 100, frameMm: 0, frameThicknessMm: 4, stand: false, geometry: GEOMETRY };

describe('preview frame text', () => {
  it('writes only on the frame of flat, arc and cylinder lithophanes, never blank text', () => {
    expect(frameTextOf({ ...base, frameText: ' Ada ' })).toBe('Ada');
    expect(frameTextOf({ ...base, shape: 'cylinder', frameText: 'Ada' })).toBe('Ada');
    expect(frameTextOf({ ...base, shape: 'heart', frameText: 'Ada' })).toBeUndefined();
    expect(frameTextOf({ ...base, mode: 'relief', frameText: 'Ada' })).toBeUndefined();
    expect(frameTextOf({ ...base, frameText: '   ' })).toBeUndefined();
  });

  it('previews the frame the server adds for the text', () => {
    for (const extra of [{}, { stand: true }, { stand: true, frameTextSide: 'top' }, { frameMm: 6 }]) {
      const p = { ...base, frameText: 'Ada', ...extra };
      expect(frameForText(p), JSON.stringify(extra)).toBe(resolveImageParams({ frameText: 'Ada', ...extra }).frameMm);
    }
    expect(frameForText(base)).toBe(0);
  });
});
