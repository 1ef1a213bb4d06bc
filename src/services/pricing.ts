/**
 * What a job costs in credits. Native modes are cheap; larger outputs cost a little more.
 * (The billing issue extends this into a configurable table.)
 */
export interface PriceTable {
  base: Record<string, number>;
  /** Extra credits when the expected output exceeds this many triangles. */
  largeTriangles: number;
  largeSurcharge: number;
}

export const DEFAULT_PRICES: PriceTable = {
  base: { relief: 1, lithophane: 1, extrude: 1, repair: 1, convert: 1, 'ai-image': 10, 'ai-text': 10 },
  largeTriangles: 1_000_000,
  largeSurcharge: 1,
};

export function priceJob(mode: string, params: { maxTriangles?: number }, table: PriceTable = DEFAULT_PRICES): number | undefined {
  const base = table.base[mode];
  if (base === undefined) return undefined;
  return base + ((params.maxTriangles ?? 0) > table.largeTriangles ? table.largeSurcharge : 0);
}
