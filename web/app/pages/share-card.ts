/**
 * Share a finished model for good: a public page (`/s/TOKEN`) and the embed code for any site (the
 * widget, or an iframe), until the owner stops sharing. Unlike the per-file temporary links, a share
 * never expires on its own and shows the model, not a file download.
 */
import { api, ApiError } from '../api.ts';
import { announce, errorBox, h } from '../dom.ts';

interface Share {
  token: string;
  name: string;
  active: boolean;
  url: string;
  embedUrl: string;
  snippet: string;
}

export function shareCard(jobId: string): HTMLElement {
  const body = h('div', { class: 'share-body' });
  const error = errorBox();
  const card = h(
    'section',
    { class: 'card share-card', 'aria-labelledby': 'share-heading', 'data-testid': 'share-card' },
    h('h2', { id: 'share-heading' }, 'Share and embed'),
    body,
    error,
  );

  const showNone = () => {
    const make = h('button', { type: 'button', class: 'secondary' }, 'Share this model');
    make.addEventListener('click', async () => {
      make.disabled = true;
      make.setAttribute('aria-busy', 'true');
      error.show(null);
      try {
        showShare(await api.post<Share>(`/api/v1/jobs/${encodeURIComponent(jobId)}/shares`, {}));
        announce('Shared: the page link and embed code are ready');
      } catch (err) {
        error.show(err instanceof ApiError ? err.message : 'It could not be shared.');
        make.disabled = false;
        make.removeAttribute('aria-busy');
      }
    });
    body.replaceChildren(
      h('p', {}, 'A public page with the 3D model, and code to show it on your own site. You can stop sharing at any time.'),
      make,
    );
  };

  const showShare = (share: Share) => {
    const iframe = `<iframe src="${share.embedUrl}" width="640" height="480" style="border:0" title="${escapeAttr(share.name)}"></iframe>`;
    const field = (label: string, value: string, testId: string, rows: number) => {
      const id = `share-${testId}`;
      const box = h('textarea', { id, readonly: true, rows, class: 'snippet', 'data-testid': testId, spellcheck: 'false' }, value);
      const copy = h('button', { type: 'button', class: 'link-button', 'aria-label': `Copy the ${label.toLowerCase()}` }, 'Copy');
      copy.addEventListener('click', async () => {
        box.select();
        await navigator.clipboard?.writeText(value).then(
          () => announce('Copied'),
          () => undefined,
        );
      });
      return h('div', { class: 'field' }, h('label', { for: id }, label), box, copy);
    };
    const stop = h('button', { type: 'button', class: 'danger' }, 'Stop sharing');
    stop.addEventListener('click', async () => {
      if (!window.confirm('Stop sharing? The page and every embed of it stop showing the model.')) return;
      stop.disabled = true;
      try {
        await api.del(`/api/v1/shares/${encodeURIComponent(share.token)}`);
        announce('No longer shared');
        showNone();
      } catch (err) {
        error.show(err instanceof ApiError ? err.message : 'It could not be stopped.');
        stop.disabled = false;
      }
    });
    body.replaceChildren(
      h('p', {}, 'Public page: ', h('a', { href: share.url, target: '_blank', rel: 'noopener', 'data-testid': 'share-url' }, share.url)),
      field('Embed code (widget)', share.snippet, 'share-snippet', 3),
      field('Embed code (iframe)', iframe, 'share-iframe', 2),
      stop,
    );
  };

  body.append(h('p', {}, 'Loading…'));
  api
    .get<{ shares: Share[] }>(`/api/v1/jobs/${encodeURIComponent(jobId)}/shares`)
    .then(({ shares }) => {
      const live = shares.find((s) => s.active);
      if (live) showShare(live);
      else showNone();
    })
    .catch(() => showNone());
  return card;
}

function escapeAttr(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
