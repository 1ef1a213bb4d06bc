/**
 * What a job costs, in credits: a table of mode x size class, configurable with PRICING_JSON.
 * The size class follows the output's triangle budget (or, for repair and convert, the input's
 * triangles): bigger meshes take longer on the pool. AI modes cost more: a provider charges us.
 * Image jobs then pay the class price once per started `samplesPerUnit` grid samples (from the work
 * estimate, src/pipeline/estimate.ts): a 1 m lithophane at 0.02 mm samples 64x what a 100 mm one
 * does and takes ~15x as long, so it cannot cost the same. The unit (1024², a 200 mm picture at the
 * default 0.2 mm) covers every default-size job, so their prices are unchanged.
 */
export type SizeClass = 'S' | 'M' | 'L';

export interface PriceTable {
  prices: Record<string, Record<SizeClass, number>>;
  /** Upper triangle bounds of S and M; anything above is L. */
  sizeClasses: { S: number; M: number };
  /** Grid samples one class price covers; image jobs pay it once per started unit. */
  samplesPerUnit: number;
}

export const DEFAULT_PRICES: PriceTable = {
  prices: {
    relief: { S: 1, M: 2, L: 4 },
    lithophane: { S: 1, M: 2, L: 4 },
    // The colour modes are a relief and a lithophane in more bodies: the work estimate's grid
    // samples (per started unit) already count what the extra bodies cost.
    'colour-relief': { S: 1, M: 2, L: 4 },
    'colour-lithophane': { S: 1, M: 2, L: 4 },
    extrude: { S: 1, M: 1, L: 2 },
    repair: { S: 1, M: 2, L: 4 },
    convert: { S: 1, M: 1, L: 2 },
    text: { S: 1, M: 1, L: 1 },
    'ai-image': { S: 10, M: 12, L: 15 },
    'ai-text': { S: 10, M: 12, L: 15 },
  },
  sizeClasses: { S: 500_000, M: 1_500_000 },
  samplesPerUnit: 1024 * 1024,
};

export function parsePriceTable(json: string | undefined): PriceTable {
  if (!json) return DEFAULT_PRICES;
  const parsed = JSON.parse(json) as Partial<PriceTable>;
  return {
    prices: { ...DEFAULT_PRICES.prices, ...parsed.prices },
    sizeClasses: { ...DEFAULT_PRICES.sizeClasses, ...parsed.sizeClasses },
    samplesPerUnit: parsed.samplesPerUnit ?? DEFAULT_PRICES.samplesPerUnit,
  };
}

export function sizeClassOf(triangles: number, table: PriceTable = DEFAULT_PRICES): SizeClass {
  return triangles <= table.sizeClasses.S ? 'S' : triangles <= table.sizeClasses.M ? 'M' : 'L';
}

/** undefined for a mode we do not sell. `samples`: the estimated grid of an image job (none for the others). */
export function priceJob(
  mode: string,
  params: { maxTriangles?: number; targetPolycount?: number },
  table: PriceTable = DEFAULT_PRICES,
  inputTriangles?: number,
  samples = 0,
): number | undefined {
  const row = table.prices[mode];
  if (!row) return undefined;
  const triangles = inputTriangles ?? params.maxTriangles ?? params.targetPolycount ?? 0;
  const units = Math.max(1, Math.ceil(samples / table.samplesPerUnit));
  return row[sizeClassOf(triangles, table)] * units;
}
