/**
 * What a job costs, in credits: a table of mode x size class, configurable with PRICING_JSON.
 * The size class follows the output's triangle budget (or, for repair and convert, the input's
 * triangles): bigger meshes take longer on the pool. AI modes cost more: a provider charges us.
 */
export type SizeClass = 'S' | 'M' | 'L';

export interface PriceTable {
  prices: Record<string, Record<SizeClass, number>>;
  /** Upper triangle bounds of S and M; anything above is L. */
  sizeClasses: { S: number; M: number };
}

export const DEFAULT_PRICES: PriceTable = {
  prices: {
    relief: { S: 1, M: 2, L: 4 },
    lithophane: { S: 1, M: 2, L: 4 },
    extrude: { S: 1, M: 1, L: 2 },
    repair: { S: 1, M: 2, L: 4 },
    convert: { S: 1, M: 1, L: 2 },
    'ai-image': { S: 10, M: 12, L: 15 },
    'ai-text': { S: 10, M: 12, L: 15 },
  },
  sizeClasses: { S: 500_000, M: 1_500_000 },
};

export function parsePriceTable(json: string | undefined): PriceTable {
  if (!json) return DEFAULT_PRICES;
  const parsed = JSON.parse(json) as Partial<PriceTable>;
  return { prices: { ...DEFAULT_PRICES.prices, ...parsed.prices }, sizeClasses: { ...DEFAULT_PRICES.sizeClasses, ...parsed.sizeClasses } };
}

export function sizeClassOf(triangles: number, table: PriceTable = DEFAULT_PRICES): SizeClass {
  return triangles <= table.sizeClasses.S ? 'S' : triangles <= table.sizeClasses.M ? 'M' : 'L';
}

/** undefined for a mode we do not sell. */
export function priceJob(
  mode: string,
  params: { maxTriangles?: number; targetPolycount?: number },
  table: PriceTable = DEFAULT_PRICES,
  inputTriangles?: number,
): number | undefined {
  const row = table.prices[mode];
  if (!row) return undefined;
  const triangles = inputTriangles ?? params.maxTriangles ?? params.targetPolycount ?? 0;
  return row[sizeClassOf(triangles, table)];
}
