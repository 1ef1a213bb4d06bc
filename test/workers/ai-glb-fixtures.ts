/**
 * The workerd stand-in for test/helpers/ai-glb-fixtures.ts: the same GLBs with real defects, made
 * in Node by vitest.workers.config.ts (the maker needs sharp and glTF-Transform's NodeIO) and
 * handed to the isolate as a binding, base64 per kind.
 */
import { env } from 'cloudflare:test';
import type { AiGlbKind } from '../helpers/ai-glb-fixtures.ts';

export type { AiGlbKind };

const fixtures = (env as { AI_GLB_FIXTURES: Record<AiGlbKind, string> }).AI_GLB_FIXTURES;

export async function aiGlb(kind: AiGlbKind): Promise<Uint8Array> {
  const base64 = fixtures[kind];
  if (!base64) throw new Error(`no GLB fixture ${kind}`);
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}
