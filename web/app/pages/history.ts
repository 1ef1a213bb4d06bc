/** History: your jobs, newest first, filtered by status and mode, paginated by cursor (in the URL). */
import { api, ApiError } from '../api.ts';
import type { Job } from '../api.ts';
import { formatDate, h } from '../dom.ts';
import { describeJob, MODE_LABELS } from '../modes.ts';
import type { PageContext } from '../router.ts';
import { navigate } from '../router.ts';

const PAGE = 10;

/** What retention does to this job's files, in words. */
function keptUntil(job: Job): string {
  if (job.purgedAt) return 'Files deleted (retention)';
  if (job.expiresAt) return `Files kept until ${new Date(job.expiresAt).toLocaleDateString(undefined, { dateStyle: 'medium' })}`;
  return 'Files kept';
}

export async function historyPage(ctx: PageContext) {
  const status = ctx.query.get('status') ?? '';
  const mode = ctx.query.get('mode') ?? '';
  const cursor = ctx.query.get('cursor') ?? '';
  const trail = (ctx.query.get('trail') ?? '').split(',').filter(Boolean);

  const url = (next: Record<string, string>) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries({ status, mode, ...next })) if (v) q.set(k, v);
    const s = q.toString();
    return `/history${s ? `?${s}` : ''}`;
  };

  const statusSelect = h(
    'select',
    { id: 'filter-status', name: 'status' },
    ['', 'queued', 'running', 'succeeded', 'failed', 'cancelled'].map((s) =>
      h('option', { value: s, selected: s === status }, s ? s[0].toUpperCase() + s.slice(1) : 'Any status'),
    ),
  );
  const modeSelect = h(
    'select',
    { id: 'filter-mode', name: 'mode' },
    ['', 'lithophane', 'relief', 'extrude', 'repair', 'convert'].map((m) =>
      h('option', { value: m, selected: m === mode }, m ? MODE_LABELS[m] : 'Any kind'),
    ),
  );
  const filters = h(
    'form',
    {
      class: 'filters card',
      role: 'search',
      'aria-label': 'Filter jobs',
      onsubmit: (e: Event) => {
        e.preventDefault();
        navigate(url({ status: statusSelect.value, mode: modeSelect.value, cursor: '', trail: '' }));
      },
    },
    h('div', { class: 'field' }, h('label', { for: statusSelect.id }, 'Status'), statusSelect),
    h('div', { class: 'field' }, h('label', { for: modeSelect.id }, 'Kind'), modeSelect),
    h('button', { type: 'submit', class: 'secondary' }, 'Filter'),
  );
  ctx.main.append(
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, 'History'),
      h(
        'p',
        { class: 'lede' },
        "Everything you have made. The files of a job are deleted after your plan's retention period (each job says when); the list itself stays.",
      ),
    ),
    filters,
  );

  const q = new URLSearchParams({ limit: String(PAGE) });
  if (status) q.set('status', status);
  if (mode) q.set('mode', mode);
  if (cursor) q.set('cursor', cursor);
  let page: { jobs: Job[]; nextCursor: string | null };
  try {
    page = await api.get(`/api/v1/jobs?${q}`);
  } catch (err) {
    ctx.main.append(h('p', { class: 'error', role: 'alert' }, err instanceof ApiError ? err.message : 'Your history could not be loaded.'));
    return;
  }
  if (page.jobs.length === 0) {
    ctx.main.append(
      h(
        'div',
        { class: 'card empty' },
        h('p', {}, status || mode ? 'No jobs match these filters.' : 'Nothing yet.'),
        h('a', { class: 'button primary', href: '/create', 'data-link': true }, 'Make something'),
      ),
    );
  } else {
    ctx.main.append(
      h(
        'ul',
        { class: 'job-list', 'data-testid': 'job-list' },
        page.jobs.map((job) =>
          h(
            'li',
            { class: 'card job-row' },
            job.thumbnailUrl
              ? h('img', {
                  class: 'job-thumb',
                  src: job.thumbnailUrl,
                  alt: '',
                  loading: 'lazy',
                  width: 64,
                  height: 48,
                  'data-testid': 'job-thumb',
                })
              : h('span', { class: 'job-thumb empty', 'aria-hidden': 'true' }),
            h(
              'a',
              { href: `/jobs/${job.id}`, 'data-link': true, class: 'job-link' },
              h('strong', {}, describeJob(job.mode, job.params)),
              job.uploadName ? h('span', { class: 'job-file', 'data-testid': 'job-file' }, job.uploadName) : null,
            ),
            h('span', { class: `badge status-${job.status}` }, job.status),
            h('span', { class: 'meta' }, formatDate(job.createdAt)),
            h('span', { class: 'meta' }, `${job.cost} credit${job.cost === 1 ? '' : 's'}`),
            h('span', { class: 'meta', 'data-testid': 'job-retention' }, keptUntil(job)),
            job.status === 'running' || job.status === 'queued'
              ? h('progress', { max: 100, value: job.progress, 'aria-label': `Progress of ${job.id}` })
              : null,
          ),
        ),
      ),
    );
  }
  const last = trail[trail.length - 1];
  ctx.main.append(
    h(
      'nav',
      { class: 'pager', 'aria-label': 'Pages' },
      last
        ? h(
            'a',
            {
              class: 'button secondary',
              href: url({ cursor: last === '-' ? '' : last, trail: trail.slice(0, -1).join(',') }),
              'data-link': true,
              rel: 'prev',
            },
            '← Newer',
          )
        : null,
      page.nextCursor
        ? h(
            'a',
            {
              class: 'button secondary',
              href: url({ cursor: page.nextCursor, trail: [...trail, cursor || '-'].join(',') }),
              'data-link': true,
              rel: 'next',
            },
            'Older →',
          )
        : null,
    ),
  );
}
