/**
 * One job: live progress from the SSE stream (stage + percent, announced politely), then the
 * result: the GLB in an interactive viewer on a print bed with mm ticks, the backlit view of a
 * lithophane, every file to download (direct, or a short-lived signed link), the report.
 */
import { api, ApiError } from '../api.ts';
import type { Job, JobArtifact } from '../api.ts';
import { announce, errorBox, formatBytes, formatDate, h, mm } from '../dom.ts';
import { describeJob } from '../modes.ts';
import type { PageContext } from '../router.ts';
import { navigate } from '../router.ts';
import { shareCard } from './share-card.ts';

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);
const STAGE_NAMES: Record<string, string> = {
  queued: 'Waiting in the queue',
  started: 'Starting',
  decode: 'Reading the picture',
  prepare: 'Preparing the height map',
  import: 'Reading the 3D file',
  repair: 'Repairing the mesh',
  validate: 'Checking it is a valid solid',
  analyze: 'Checking printability',
  preview: 'Rendering previews',
  done: 'Finishing',
};
const FILE_LABELS: Record<string, string> = {
  'model.stl': 'STL — for any slicer',
  'model.3mf': '3MF — slicers, with units',
  'model.obj': 'OBJ',
  'model.glb': 'GLB — web and AR viewers',
  'model.meshopt.glb': 'GLB, compressed — what the share page shows',
  'preview.png': 'Preview picture (PNG)',
  'backlit.png': 'Backlit view (PNG)',
  'thin-features.png': 'Thin features under the nozzle (PNG)',
  'report.json': 'Printability report (JSON)',
};

/** The repair report's counts in a maker's words (the JSON keeps the geometry terms). */
const MEASURE_LABELS: Record<string, string> = {
  triangles: 'Triangles',
  openEdges: 'Gaps in the surface (open edges)',
  nonManifoldEdges: 'Edges where more than two faces meet',
  flippedEdges: 'Faces turned inside out',
  shells: 'Separate pieces',
  degenerateFaces: 'Flat, zero-area faces',
  selfIntersections: 'Places where the surface crosses itself',
};

function stageLabel(stage: string | null): string {
  if (!stage) return 'Waiting in the queue';
  if (STAGE_NAMES[stage]) return STAGE_NAMES[stage];
  if (stage.startsWith('build-')) return 'Building the solid';
  if (stage.startsWith('export-')) return `Writing the ${stage.slice(7).toUpperCase()} file`;
  const words = stage.replace(/[-_]/g, ' ');
  return words[0].toUpperCase() + words.slice(1);
}

export async function jobPage(ctx: PageContext) {
  const id = ctx.params.id;
  const cleanups: Array<() => void> = [];
  let job: Job;
  try {
    job = (await api.get<{ job: Job }>(`/api/v1/jobs/${encodeURIComponent(id)}`)).job;
  } catch (err) {
    ctx.main.append(
      h('h1', {}, 'Job not found'),
      h('p', {}, err instanceof ApiError ? err.message : 'It could not be loaded.'),
      h('p', {}, h('a', { href: '/history', 'data-link': true }, 'Back to your history')),
    );
    return;
  }
  if (ctx.signal.aborted) return;

  const status = h('span', { class: `badge status-${job.status}`, 'data-testid': 'job-status' }, job.status);
  const meta = h('p', { class: 'meta' });
  const CREDIT_STATES: Record<string, string> = { held: 'held until it finishes', captured: 'charged', refunded: 'refunded', none: 'free' };
  const renderMeta = () =>
    (meta.textContent = `Created ${formatDate(job.createdAt)} · ${job.cost} credit${job.cost === 1 ? '' : 's'}, ${CREDIT_STATES[job.creditState] ?? job.creditState}${job.finishedAt && job.startedAt ? ` · took ${((job.finishedAt - job.startedAt) / 1000).toFixed(1)} s` : ''}`);
  renderMeta();
  const body = h('div', { class: 'job-body' });
  const actions = h('div', { class: 'actions' });
  const actionError = errorBox();
  ctx.main.append(
    h(
      'div',
      { class: 'page-head' },
      h('p', { class: 'crumbs' }, h('a', { href: '/history', 'data-link': true }, 'History'), ' / ', job.id),
      h('h1', {}, describeJob(job.mode, job.params), ' ', status),
      meta,
    ),
    body,
    actions,
    actionError,
  );

  const setStatus = (s: string) => {
    status.textContent = s;
    status.className = `badge status-${s}`;
  };

  function renderActions(): void {
    const cancel = h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        onclick: async () => {
          cancel.disabled = true;
          try {
            job = (await api.post<{ job: Job }>(`/api/v1/jobs/${job.id}/cancel`)).job;
          } catch (err) {
            actionError.show(err instanceof ApiError ? err.message : 'It could not be cancelled.');
            cancel.disabled = false;
          }
        },
      },
      'Cancel job',
    );
    const remove = h(
      'button',
      {
        type: 'button',
        class: 'danger',
        onclick: async () => {
          if (!window.confirm('Delete this job and its files? This cannot be undone.')) return;
          try {
            await api.del(`/api/v1/jobs/${job.id}`);
            announce('Job deleted');
            navigate('/history');
          } catch (err) {
            actionError.show(err instanceof ApiError ? err.message : 'It could not be deleted.');
          }
        },
      },
      'Delete job',
    );
    actions.replaceChildren(
      ...(TERMINAL.has(job.status) ? [] : [cancel]),
      h('a', { class: 'button secondary', href: '/create', 'data-link': true }, 'Make another'),
      remove,
    );
  }

  // The bar only moves forward (the event stream replays from the start when the page opens or
  // reconnects), and 100% is the finished job: the pipeline's last stage is not yet the files stored.
  let shownPercent = 0;
  function renderProgress(stage: string | null, reported: number): void {
    shownPercent = Math.max(shownPercent, Math.min(99, Math.round(reported)));
    const percent = shownPercent;
    const bar = h('progress', { max: 100, value: percent, 'aria-labelledby': 'progress-label', 'data-testid': 'progress' });
    body.replaceChildren(
      h(
        'section',
        { class: 'card progress-card', 'aria-labelledby': 'progress-label' },
        h('h2', { id: 'progress-label' }, job.status === 'queued' ? 'Queued' : 'Working on it'),
        bar,
        h('p', { class: 'stage', 'data-testid': 'stage' }, `${stageLabel(stage)} — ${percent}%`),
        h('p', { class: 'hint' }, 'You can leave this page: the job keeps going, and your history has it.'),
      ),
    );
  }

  async function renderFinished(): Promise<void> {
    job = (await api.get<{ job: Job }>(`/api/v1/jobs/${job.id}`)).job;
    setStatus(job.status);
    renderMeta();
    renderActions();
    if (job.status === 'failed') {
      body.replaceChildren(
        h(
          'section',
          { class: 'card', role: 'alert' },
          h('h2', {}, 'It did not work'),
          h('p', {}, job.error?.message ?? 'The job failed.'),
          h('p', { class: 'hint' }, `Error code: ${job.error?.code ?? 'unknown'}. Your credits were refunded.`),
        ),
      );
      return;
    }
    if (job.status === 'cancelled') {
      body.replaceChildren(
        h('section', { class: 'card' }, h('h2', {}, 'Cancelled'), h('p', {}, 'The job was cancelled and its credits refunded.')),
      );
      return;
    }
    cleanups.push(await renderResult(body, job));
  }

  renderActions();
  if (TERMINAL.has(job.status)) {
    await renderFinished();
  } else {
    renderProgress(job.stage, job.progress);
    let lastStage = job.stage;
    const source = new EventSource(`/api/v1/jobs/${encodeURIComponent(job.id)}/events`);
    cleanups.push(() => source.close());
    const onData = (type: string) => (e: MessageEvent) => {
      const data = JSON.parse(e.data as string) as { stage?: string; percent?: number };
      if (type === 'started') {
        job.status = 'running';
        setStatus('running');
        renderProgress(job.stage, job.progress);
        announce('Started');
      } else if (type === 'stage') {
        job.status = 'running';
        setStatus('running');
        renderProgress(data.stage ?? null, data.percent ?? 0);
        if (data.stage !== lastStage) announce(`${stageLabel(data.stage ?? null)}, ${Math.round(data.percent ?? 0)}%`);
        lastStage = data.stage ?? null;
      } else if (type === 'queued') {
        setStatus('queued');
      } else if (TERMINAL.has(type)) {
        source.close();
        announce(type === 'succeeded' ? 'Your model is ready' : type === 'failed' ? 'The job failed' : 'The job was cancelled');
        void renderFinished().catch((err: unknown) =>
          actionError.show(err instanceof Error ? err.message : 'The result could not be loaded.'),
        );
      }
    };
    for (const type of ['queued', 'started', 'stage', 'succeeded', 'failed', 'cancelled'])
      source.addEventListener(type, onData(type) as EventListener);
    source.onerror = () => {
      // EventSource reconnects by itself (with Last-Event-ID); if the job ended meanwhile, show it.
      if (source.readyState === EventSource.CLOSED) void renderFinished();
    };
  }
  return () => cleanups.forEach((fn) => fn());
}

async function renderResult(body: HTMLElement, job: Job): Promise<() => void> {
  const artifacts = job.artifacts ?? [];
  const byName = new Map(artifacts.map((a) => [a.name, a]));
  const report = (job.result ?? {}) as Record<string, unknown>;
  const box = report.boundingBoxMm as { size?: number[] } | undefined;
  const size = box?.size;
  const isLitho = job.mode === 'lithophane';

  // ---- views: the 3D model, the backlit picture (lithophanes), the rendered preview
  const viewerBox = h('div', { class: 'viewer result-viewer', 'data-testid': 'result-viewer' });
  const views: Array<{ id: string; label: string; panel: HTMLElement }> = [{ id: 'model', label: '3D model', panel: viewerBox }];
  const backlit = byName.get('backlit.png');
  if (backlit)
    views.push({
      id: 'backlit',
      label: 'Backlit',
      panel: h(
        'figure',
        { class: 'backlit' },
        h('img', { src: backlit.url, alt: 'The lithophane lit from behind, as it will look on a lamp or window', loading: 'lazy' }),
        h('figcaption', {}, 'Rendered with light shining through white PLA.'),
      ),
    });
  const preview = byName.get('preview.png');
  if (preview)
    views.push({
      id: 'preview',
      label: 'Rendered',
      panel: h('figure', { class: 'backlit' }, h('img', { src: preview.url, alt: 'A rendered picture of the model', loading: 'lazy' })),
    });
  const thin = byName.get('thin-features.png');
  if (thin)
    views.push({
      id: 'thin',
      label: 'Thin features',
      panel: h(
        'figure',
        { class: 'backlit' },
        h('img', { src: thin.url, alt: 'The flat shape with the parts narrower than the nozzle marked', loading: 'lazy' }),
        h('figcaption', {}, 'Red: narrower than the nozzle. Blue: widened to the nozzle. Orange: finer than the sampling step, lost.'),
      ),
    });
  const tablist = h('div', { role: 'tablist', 'aria-label': 'Views', class: 'tabs' });
  const panels = h('div', { class: 'tab-panels' });
  const tabs: HTMLButtonElement[] = [];
  const select = (index: number, focus = false) => {
    tabs.forEach((t, i) => {
      t.setAttribute('aria-selected', String(i === index));
      t.tabIndex = i === index ? 0 : -1;
      views[i].panel.hidden = i !== index;
    });
    if (focus) tabs[index].focus();
  };
  views.forEach((view, i) => {
    const tab = h('button', { type: 'button', role: 'tab', id: `tab-${view.id}`, 'aria-controls': `panel-${view.id}` }, view.label);
    view.panel.id = `panel-${view.id}`;
    view.panel.setAttribute('role', 'tabpanel');
    view.panel.setAttribute('aria-labelledby', tab.id);
    tab.addEventListener('click', () => select(i));
    tab.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowRight') select((i + 1) % views.length, true);
      if (e.key === 'ArrowLeft') select((i - 1 + views.length) % views.length, true);
    });
    tabs.push(tab);
    tablist.append(tab);
    panels.append(view.panel);
  });
  select(0);

  const dims = h(
    'p',
    { class: 'dims', 'data-testid': 'dims' },
    size ? `${mm(size[0])} × ${mm(size[1])} × ${mm(size[2])} (width × depth × height)` : '',
  );

  body.replaceChildren(
    h(
      'div',
      { class: 'result' },
      h(
        'section',
        { class: 'card result-main', 'aria-labelledby': 'result-heading' },
        h('h2', { id: 'result-heading' }, 'Your model'),
        tablist,
        panels,
        dims,
        h(
          'small',
          { class: 'hint' },
          'On the bed grid, fine lines are 1 mm (5 mm on big parts) and labelled lines every 10 mm or more. Drag to turn, scroll or pinch to zoom.',
        ),
      ),
      h('div', { class: 'result-side' }, downloads(job, artifacts), shareCard(job.id), reportCard(report, isLitho)),
    ),
  );

  const glb = byName.get('model.glb');
  if (!glb) {
    viewerBox.append(
      h('p', { class: 'viewer-empty' }, 'No GLB was made for this job, so there is no 3D view; the files below are complete.'),
    );
    return () => undefined;
  }
  const three = await import('../three/result.ts');
  const viewer = new three.Viewer(viewerBox, { label: `3D view of the result${size ? `, ${size.map((s) => mm(s)).join(' by ')}` : ''}` });
  try {
    const { object } = await three.loadModel(glb.url, isLitho ? 0xf4f1e8 : job.mode === 'extrude' ? 0x3b82f6 : 0xc9ced6);
    viewer.setModel(object, { reframe: true });
    viewerBox.dataset.loaded = 'true';
  } catch (err) {
    viewerBox.append(h('p', { class: 'error' }, err instanceof Error ? err.message : 'The model could not be shown.'));
  }
  return () => viewer.dispose();
}

function downloads(job: Job, artifacts: JobArtifact[]): HTMLElement {
  const list = h('ul', { class: 'downloads' });
  const order = [
    'model.stl',
    'model.3mf',
    'model.obj',
    'model.glb',
    'model.meshopt.glb',
    'backlit.png',
    'preview.png',
    'thin-features.png',
    'report.json',
  ];
  const sorted = [...artifacts].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  for (const a of sorted) {
    const linkOut = h('span', { class: 'signed-link' });
    const share = h(
      'button',
      { type: 'button', class: 'link-button', 'aria-label': `Get a temporary link to ${a.name}` },
      'Temporary link',
    );
    share.addEventListener('click', async () => {
      share.disabled = true;
      try {
        const link = await api.post<{ url: string; expiresAt: number }>(
          `/api/v1/jobs/${job.id}/artifacts/${encodeURIComponent(a.name)}/link`,
        );
        const input = h('input', {
          type: 'text',
          readonly: true,
          value: link.url,
          'aria-label': `Signed link to ${a.name}`,
          class: 'link-field',
        });
        linkOut.replaceChildren(
          input,
          h(
            'small',
            {},
            ` works without signing in until ${new Date(link.expiresAt).toLocaleTimeString()}; to show the model on a page for good, use Share below`,
          ),
        );
        input.select();
        await navigator.clipboard?.writeText(link.url).then(
          () => announce('Link copied'),
          () => undefined,
        );
      } catch (err) {
        linkOut.textContent = err instanceof ApiError ? err.message : 'No link could be made.';
      } finally {
        share.disabled = false;
      }
    });
    list.append(
      h(
        'li',
        {},
        h(
          'a',
          // An empty download attribute: the file keeps the name the server gives it (after the photo).
          { href: a.url, download: true, class: 'download', 'data-testid': `download-${a.name}` },
          h('strong', {}, a.name),
          h('span', {}, ` ${FILE_LABELS[a.name] ?? a.contentType} · ${formatBytes(a.bytes)}`),
        ),
        ' ',
        share,
        linkOut,
      ),
    );
  }
  return h('section', { class: 'card', 'aria-labelledby': 'downloads-heading' }, h('h2', { id: 'downloads-heading' }, 'Download'), list);
}

function reportCard(report: Record<string, unknown>, isLitho: boolean): HTMLElement {
  const rows: Array<[string, string]> = [];
  const yes = (v: unknown) => (v ? 'Yes' : 'No');
  // Mesh jobs carry `verdict`, image jobs `printability` (same printable and reasons).
  const verdict = (report.verdict ?? report.printability) as { printable: boolean; reasons: string[] } | undefined;
  if (verdict) rows.push(['Printable', verdict.printable ? 'Yes' : `No — ${verdict.reasons.join('; ')}`]);
  if ('manifold' in report) rows.push(['Closed, watertight solid', yes(report.manifold)]);
  const size = (report.boundingBoxMm as { size?: number[] } | undefined)?.size;
  if (size) rows.push(['Size', size.map((s) => mm(s)).join(' × ')]);
  if (typeof report.volumeMm3 === 'number')
    rows.push(['Volume', `${(report.volumeMm3 / 1000).toFixed(2)} cm³ (≈ ${((report.volumeMm3 / 1000) * 1.24).toFixed(1)} g of PLA)`]);
  if (typeof report.triangles === 'number') rows.push(['Triangles', report.triangles.toLocaleString()]);
  if (typeof report.genus === 'number') rows.push(['Holes through it (like a keychain loop)', String(report.genus)]);
  if (typeof report.parts === 'number') rows.push(['Separate pieces', String(report.parts)]);
  if (typeof report.fitsBuildVolume === 'boolean') rows.push(['Fits the build volume', yes(report.fitsBuildVolume)]);
  const thin = report.thinWall as { p5Mm: number; minMm: number } | undefined;
  if (thin) rows.push(['Thin walls (5th percentile)', mm(thin.p5Mm)]);
  const overhang = report.overhang as { fraction: number; thresholdDeg: number } | undefined;
  if (overhang) rows.push([`Overhang beyond ${overhang.thresholdDeg}°`, `${(overhang.fraction * 100).toFixed(1)}% of the surface`]);
  const before = report.before as Record<string, number> | undefined;
  const after = report.after as Record<string, number> | undefined;
  if (before && after) {
    for (const key of Object.keys(before)) {
      if (typeof before[key] !== 'number' || key === 'volumeMm3') continue;
      const label = MEASURE_LABELS[key] ?? key.replace(/([A-Z])/g, ' $1').toLowerCase();
      rows.push([`${label} (before → after)`, `${before[key]} → ${after[key]}`]);
    }
  }
  if (typeof report.totalMs === 'number') rows.push(['Time on the server', `${(report.totalMs / 1000).toFixed(1)} s`]);
  const warnings = [...((report.warnings as string[] | undefined) ?? []), ...((report.notes as string[] | undefined) ?? [])];
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'report-heading' },
    h('h2', { id: 'report-heading' }, 'Printability report'),
    rows.length
      ? h(
          'dl',
          { class: 'report' },
          rows.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
        )
      : h('p', {}, 'No report.'),
    warnings.length
      ? h(
          'ul',
          { class: 'warnings' },
          warnings.map((w) => h('li', {}, w)),
        )
      : null,
    isLitho ? h('p', { class: 'hint' }, 'Print lithophanes in white PLA at 100% infill, standing up or flat as made.') : null,
  );
}
