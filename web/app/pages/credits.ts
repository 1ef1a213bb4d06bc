/** Credits and billing: balance, ledger, prices, buy a pack or plan (Creem checkout), the portal. */
import { api, ApiError } from '../api.ts';
import type { CreditEntry, CreditsPage, Pricing } from '../api.ts';
import { errorBox, formatDate, h } from '../dom.ts';
import { MODE_LABELS } from '../modes.ts';
import type { PageContext } from '../router.ts';

const REASONS: Record<string, string> = {
  signup: 'Welcome credits',
  signup_grant: 'Welcome credits',
  hold: 'Job (held)',
  job_hold: 'Job (held)',
  capture: 'Job',
  refund: 'Refund',
  job_refund: 'Job refunded',
  purchase: 'Purchase',
  plan: 'Plan credits',
};

/** What a job's hold became: held while it runs, then charged, or given back when it failed or was cancelled. */
const HOLD_STATES: Record<string, string> = {
  held: 'held until it finishes',
  captured: 'charged',
  refunded: 'refunded',
  none: 'free',
};

/** A ledger line in words: "Lithophane job · charged" rather than a bare "Job (held)". */
function describeEntry(e: CreditEntry): string {
  if (e.job && (e.reason === 'job_hold' || e.reason === 'hold')) {
    return `${MODE_LABELS[e.job.mode] ?? e.job.mode} job · ${HOLD_STATES[e.job.creditState] ?? e.job.creditState}`;
  }
  if (e.reason === 'job_hold' || e.reason === 'hold') return 'Job';
  return REASONS[e.reason] ?? e.reason;
}

function paymentMessage(err: unknown): string {
  if (err instanceof ApiError && (err.status === 503 || /not.configured/i.test(err.code)))
    return 'Payments are not configured on this server yet, so credits cannot be bought here. Ask the operator, or use the offline CLI, which needs no credits.';
  return err instanceof ApiError ? err.message : 'Something went wrong; please try again.';
}

export async function creditsPage(ctx: PageContext) {
  const cursor = ctx.query.get('cursor') ?? '';
  ctx.main.append(
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, 'Credits and billing'),
      h('p', { class: 'lede' }, 'Each job costs credits by kind and size, held when it starts and refunded if it fails or you cancel it.'),
    ),
  );
  let credits: CreditsPage;
  let pricing: Pricing | null = null;
  try {
    [credits, pricing] = await Promise.all([
      api.get<CreditsPage>(`/api/v1/credits?limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
      api.get<Pricing>('/api/v1/pricing').catch(() => null),
    ]);
  } catch (err) {
    ctx.main.append(h('p', { class: 'error', role: 'alert' }, err instanceof ApiError ? err.message : 'Your credits could not be loaded.'));
    return;
  }

  const payError = errorBox();
  const buy = async (button: HTMLButtonElement, product: string) => {
    payError.show(null);
    button.disabled = true;
    try {
      const { url } = await api.post<{ url: string }>('/api/v1/billing/checkout', { product });
      window.location.assign(url);
    } catch (err) {
      payError.show(paymentMessage(err));
      button.disabled = false;
    }
  };
  const portal = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      onclick: async () => {
        payError.show(null);
        portal.disabled = true;
        try {
          const { url } = await api.post<{ url: string }>('/api/v1/billing/portal');
          window.location.assign(url);
        } catch (err) {
          payError.show(
            err instanceof ApiError && err.status === 409
              ? 'There is nothing to manage yet: the portal opens once you have bought something.'
              : paymentMessage(err),
          );
          portal.disabled = false;
        }
      },
    },
    'Invoices and plan (billing portal)',
  );

  const plan = credits.billing.plan;
  const products = pricing?.products ?? [];
  const packs = products.filter((p) => p.kind === 'pack');
  const plans = products.filter((p) => p.kind !== 'pack');
  const productButton = (p: { key: string; credits: number; kind: string }) => {
    const b: HTMLButtonElement = h(
      'button',
      { type: 'button', class: 'primary', onclick: () => buy(b, p.key) },
      `${p.kind === 'pack' ? 'Buy' : 'Subscribe to'} ${p.key} — ${p.credits} credits${p.kind === 'pack' ? '' : ' a month'}`,
    );
    return h('li', {}, b);
  };

  ctx.main.append(
    h(
      'div',
      { class: 'grid-2' },
      h(
        'section',
        { class: 'card balance-card', 'aria-labelledby': 'balance-heading' },
        h('h2', { id: 'balance-heading' }, 'Balance'),
        h('p', { class: 'balance', 'data-testid': 'balance' }, h('strong', {}, String(credits.balance)), ' credits'),
        plan
          ? h(
              'p',
              {},
              `Plan: ${plan.key ?? plan.product ?? 'unknown'} (${plan.status ?? 'unknown'})${plan.periodEnd ? `, renews ${formatDate(plan.periodEnd)}` : ''}`,
            )
          : h('p', { class: 'hint' }, 'No plan.'),
        credits.billing.flagged
          ? h('p', { class: 'error' }, `Your account is flagged: ${credits.billing.flagReason ?? 'contact support'}.`)
          : null,
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'buy-heading' },
        h('h2', { id: 'buy-heading' }, 'Buy credits'),
        products.length === 0
          ? h(
              'p',
              { class: 'notice' },
              'Payments are not configured on this server yet, so there is nothing to buy. Every account starts with free credits.',
            )
          : h(
              'div',
              {},
              packs.length ? h('ul', { class: 'buy-list' }, packs.map(productButton)) : null,
              plans.length ? h('ul', { class: 'buy-list' }, plans.map(productButton)) : null,
            ),
        h('div', { class: 'actions' }, portal),
        payError,
      ),
    ),
  );

  if (pricing) {
    const classes = ['S', 'M', 'L'];
    ctx.main.append(
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'prices-heading' },
        h('h2', { id: 'prices-heading' }, 'Prices'),
        h(
          'div',
          { class: 'table-scroll' },
          h(
            'table',
            { class: 'prices' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', { scope: 'col' }, 'Kind'),
                classes.map((c) => h('th', { scope: 'col' }, c)),
              ),
            ),
            h(
              'tbody',
              {},
              pricing.modes.map((m) =>
                h(
                  'tr',
                  { class: m.available ? '' : 'muted' },
                  h('th', { scope: 'row' }, `${MODE_LABELS[m.mode] ?? m.mode}${m.available ? '' : ' (not available here)'}`),
                  classes.map((c) => h('td', {}, String(m.prices[c] ?? '—'))),
                ),
              ),
            ),
          ),
        ),
        h(
          'p',
          { class: 'hint' },
          `Credits per job by size: S up to ${pricing.sizeClasses.S.toLocaleString()} triangles, M up to ${pricing.sizeClasses.M.toLocaleString()}, L above. The create page shows the exact cost before you start.`,
        ),
      ),
    );
  }

  ctx.main.append(
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'entries-heading' },
      h(
        'div',
        { class: 'section-head' },
        h('h2', { id: 'entries-heading' }, 'Transactions'),
        h('a', { href: '/api/v1/credits/export.csv', download: 'credits.csv', class: 'button secondary' }, 'Export CSV'),
      ),
      credits.entries.length === 0
        ? h('p', {}, 'No transactions yet.')
        : h(
            'div',
            { class: 'table-scroll' },
            h(
              'table',
              { 'data-testid': 'entries' },
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  h('th', { scope: 'col' }, 'When'),
                  h('th', { scope: 'col' }, 'What'),
                  h('th', { scope: 'col', class: 'num' }, 'Credits'),
                ),
              ),
              h(
                'tbody',
                {},
                credits.entries.map((e) =>
                  h(
                    'tr',
                    {},
                    h('td', {}, formatDate(e.createdAt)),
                    h(
                      'td',
                      {},
                      describeEntry(e),
                      e.reference?.startsWith('job_') ? [' · ', h('a', { href: `/jobs/${e.reference}`, 'data-link': true }, 'job')] : null,
                    ),
                    h('td', { class: `num ${e.amount < 0 ? 'neg' : 'pos'}` }, e.amount > 0 ? `+${e.amount}` : String(e.amount)),
                  ),
                ),
              ),
            ),
          ),
      h(
        'nav',
        { class: 'pager', 'aria-label': 'Transaction pages' },
        cursor ? h('a', { class: 'button secondary', href: '/credits', 'data-link': true }, '← Newest') : null,
        credits.nextCursor
          ? h(
              'a',
              { class: 'button secondary', href: `/credits?cursor=${encodeURIComponent(credits.nextCursor)}`, 'data-link': true },
              'Older →',
            )
          : null,
      ),
    ),
  );
}
