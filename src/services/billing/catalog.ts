/**
 * What can be bought: credit packs (one-time Creem products) and plans (monthly subscriptions that
 * grant credits each paid period). Configured as CREEM_PRODUCTS="pack-100=prod_a:100:pack,...".
 */
export interface CatalogItem {
  key: string;
  productId: string;
  credits: number;
  kind: 'pack' | 'plan';
}

export function parseCatalog(spec: string): CatalogItem[] {
  const items: CatalogItem[] = [];
  for (const part of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const match = /^([\w-]+)=([\w-]+):(\d+):(pack|plan)$/.exec(part);
    if (!match) throw new Error(`CREEM_PRODUCTS: cannot read "${part}" (expected key=productId:credits:pack|plan)`);
    items.push({ key: match[1], productId: match[2], credits: Number(match[3]), kind: match[4] as 'pack' | 'plan' });
  }
  return items;
}
