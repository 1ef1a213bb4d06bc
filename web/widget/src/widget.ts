/**
 * <stl-viewer src="https://HOST/s/TOKEN">: an embeddable 3D preview of a shared model.
 *
 * This file is the whole initial download: it defines the element, fetches the share's JSON,
 * shows the poster (the job's preview PNG) and the size at once, and only when the element is
 * (nearly) on screen imports the viewer chunk (three.js, GLTFLoader, OrbitControls, meshopt
 * decoder) and the model. Every request is `credentials: 'omit'`: the widget never carries
 * anyone's session, on our origin or any other.
 *
 * States (reflected as the host's `data-state` attribute and a `stl-viewer-state` event):
 * loading -> poster -> ready, or gone (404: revoked/unknown) or error.
 * Performance marks: `stl-viewer:start`, `stl-viewer:poster`, `stl-viewer:first-frame`.
 */
import type { Viewer } from './viewer.ts';

export type ViewerState = 'loading' | 'poster' | 'ready' | 'gone' | 'error';

interface PublicShare {
  name: string;
  dimensionsMm: [number, number, number] | null;
  triangles: number | null;
  poster: string | null;
  model: string;
}

/** The colours of the server's preview renderer, so the poster hands over to 3D without a jump. */
const STYLES = `
:host{display:block;position:relative;width:100%;aspect-ratio:4/3;min-height:160px;contain:content;
  font:13px/1.3 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2733;border-radius:8px;overflow:hidden;
  background:linear-gradient(#f8f9fb,#e2e6ec)}
:host([hidden]){display:none}
.stage,.poster,canvas{position:absolute;inset:0;width:100%;height:100%}
.poster{object-fit:contain;transition:opacity .3s}
canvas{opacity:0;transition:opacity .3s;outline:none;touch-action:none;cursor:grab}
canvas:active{cursor:grabbing}
canvas:focus-visible{box-shadow:inset 0 0 0 3px #2f6fd6}
:host([data-state=ready]) canvas{opacity:1}
:host([data-state=ready]) .poster{opacity:0}
.bar{position:absolute;left:0;right:0;bottom:0;display:flex;gap:8px;align-items:center;padding:8px 10px;
  background:linear-gradient(transparent,rgba(255,255,255,.85) 40%)}
.title{font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;min-width:0}
.dims{color:#445;white-space:nowrap;font-variant-numeric:tabular-nums}
.spacer{flex:1}
button{font:inherit;border:1px solid #9aa6b5;background:#fff;color:#1d2733;border-radius:6px;padding:4px 10px;cursor:pointer}
button[aria-pressed=true]{background:#1d2733;color:#fff;border-color:#1d2733}
button:focus-visible{outline:3px solid #2f6fd6;outline-offset:2px}
button[hidden]{display:none}
.status{position:absolute;inset:0;display:none;align-items:center;justify-content:center;text-align:center;padding:16px}
:host([data-state=gone]) .status{display:flex;background:rgba(248,249,251,.94);font-size:15px}
:host([data-state=error]) .status{display:flex;inset:0 0 auto 0;padding:6px 10px;background:rgba(255,243,205,.95)}
:host([data-state=gone]) .bar{display:none}
.spinner{position:absolute;top:10px;right:10px;width:14px;height:14px;border:2px solid #9aa6b5;border-top-color:transparent;border-radius:50%;
  animation:spin 1s linear infinite;display:none}
:host([data-state=loading]) .spinner,:host([data-state=poster]) .spinner{display:block}
@keyframes spin{to{transform:rotate(360deg)}}
@media (prefers-reduced-motion:reduce){.spinner{animation:none}.poster,canvas{transition:none}}
`;

const TEMPLATE = `
<div class="stage" part="stage">
  <img class="poster" alt="" decoding="async">
  <canvas tabindex="0" aria-label="3D view: drag to rotate, scroll to zoom"></canvas>
</div>
<div class="spinner" aria-hidden="true"></div>
<div class="bar" part="bar">
  <span class="title"></span><span class="dims"></span><span class="spacer"></span>
  <button type="button" class="wire" aria-pressed="false" hidden>Wireframe</button>
</div>
<div class="status" role="status" aria-live="polite"></div>
`;

const MESSAGES: Partial<Record<ViewerState, string>> = {
  gone: 'This model is no longer shared.',
  error: 'The 3D preview could not be loaded.',
};

const GONE = Symbol('gone');

/** One download of the viewer chunk per page, however many elements. */
let viewerModule: Promise<typeof import('./viewer.ts')> | undefined;
const loadViewerModule = () =>
  (viewerModule ??= import('./viewer.ts').catch((error) => {
    viewerModule = undefined; // let a later element try again
    throw error;
  }));

let marked = false;
const mark = (name: string, detail?: unknown) => {
  try {
    performance.mark(name, { detail });
  } catch {
    // Marks are diagnostics only.
  }
};

export class StlViewerElement extends HTMLElement {
  static observedAttributes = ['src'];

  readonly #root: ShadowRoot;
  #generation = 0;
  #viewer: Viewer | undefined;
  #visibility: IntersectionObserver | undefined;
  #posterUrl: string | undefined;
  #abort: AbortController | undefined;

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: 'open' });
    this.#root.innerHTML = `<style>${STYLES}</style>${TEMPLATE}`;
    this.#part<HTMLButtonElement>('.wire').addEventListener('click', () => this.#toggleWireframe());
  }

  /** Current state, also in the `data-state` attribute. */
  get state(): ViewerState {
    return (this.dataset.state as ViewerState) ?? 'loading';
  }

  connectedCallback() {
    if (!marked) {
      marked = true;
      mark('stl-viewer:start');
    }
    void this.#load();
  }

  disconnectedCallback() {
    this.#teardown();
  }

  attributeChangedCallback(name: string, old: string | null, value: string | null) {
    if (name === 'src' && old !== null && old !== value && this.isConnected) void this.#load();
  }

  #part<T extends Element>(selector: string): T {
    return this.#root.querySelector(selector) as T;
  }

  #setState(state: ViewerState, message?: string) {
    if (this.dataset.state === state) return;
    this.dataset.state = state;
    this.setAttribute('aria-busy', String(state === 'loading' || state === 'poster'));
    this.#part<HTMLElement>('.status').textContent = message ?? MESSAGES[state] ?? '';
    this.dispatchEvent(new CustomEvent('stl-viewer-state', { detail: { state }, bubbles: true, composed: true }));
  }

  #teardown() {
    this.#generation++;
    this.#abort?.abort();
    this.#visibility?.disconnect();
    this.#visibility = undefined;
    this.#viewer?.dispose();
    this.#viewer = undefined;
    if (this.#posterUrl) URL.revokeObjectURL(this.#posterUrl);
    this.#posterUrl = undefined;
  }

  async #load() {
    this.#teardown();
    const generation = this.#generation;
    const current = () => generation === this.#generation;
    const abort = (this.#abort = new AbortController());
    this.#setState('loading');
    this.#part<HTMLButtonElement>('.wire').hidden = true;

    const src = this.getAttribute('src');
    if (!src) return this.#setState('error', 'No model: set the src attribute to a share URL.');

    // three.js waits until the element is about to be seen; from then on the chunk downloads
    // while the share's JSON is still on its way.
    let seen!: () => void;
    const visible = new Promise<void>((resolve) => (seen = resolve));
    this.#visibility = new IntersectionObserver(
      (entries) => {
        const isVisible = entries.some((e) => e.isIntersecting);
        if (isVisible) {
          void loadViewerModule().catch(() => undefined);
          seen();
        }
        this.#viewer?.setVisible(isVisible);
      },
      { rootMargin: '200px' },
    );
    this.#visibility.observe(this);

    let share: PublicShare;
    try {
      const base = new URL(src, document.baseURI);
      const res = await fetch(base, { credentials: 'omit', mode: 'cors', signal: abort.signal, headers: { accept: 'application/json' } });
      if (!current()) return;
      if (res.status === 404 || res.status === 410) return this.#setState('gone');
      if (!res.ok) throw new Error(`share: HTTP ${res.status}`);
      share = await res.json();
      // The server answers absolute URLs; relative ones resolve against the share URL.
      share.model = new URL(share.model, base).href;
      if (share.poster) share.poster = new URL(share.poster, base).href;
    } catch {
      if (current()) this.#setState('error');
      return;
    }
    if (!current()) return;

    this.#part<HTMLElement>('.title').textContent = share.name;
    this.#part<HTMLElement>('.dims').textContent = share.dimensionsMm ? formatDims(share.dimensionsMm) : '';
    this.setAttribute('aria-label', `3D preview of ${share.name}`);
    this.setAttribute('role', 'figure');
    void this.#showPoster(share.poster, abort.signal, current);

    await visible;
    if (current()) await this.#startViewer(share, abort.signal, current);
  }

  async #showPoster(url: string | null, signal: AbortSignal, current: () => boolean) {
    if (!url) return;
    try {
      // fetch + blob rather than <img src>: an <img> would send cookies on our own origin.
      const res = await fetch(url, { credentials: 'omit', mode: 'cors', signal });
      if (!res.ok || !current()) return;
      this.#posterUrl = URL.createObjectURL(await res.blob());
      if (!current()) return;
      const img = this.#part<HTMLImageElement>('.poster');
      img.onload = () => {
        if (!current()) return;
        mark('stl-viewer:poster');
        if (this.state === 'loading') this.#setState('poster');
      };
      img.src = this.#posterUrl;
    } catch {
      // No poster is not an error: the 3D view still comes.
    }
  }

  async #startViewer(share: PublicShare, signal: AbortSignal, current: () => boolean) {
    try {
      // The chunk and the model download side by side.
      const model = fetch(share.model, { credentials: 'omit', mode: 'cors', signal }).then(async (res) => {
        if (res.status === 404) return GONE;
        if (!res.ok) throw new Error(`model: HTTP ${res.status}`);
        return res.arrayBuffer();
      });
      const [{ createViewer }, bytes] = await Promise.all([loadViewerModule(), model]);
      if (!current()) return;
      if (bytes === GONE) return this.#setState('gone');
      const viewer = await createViewer(this.#part<HTMLCanvasElement>('canvas'), bytes, {
        onFirstFrame: () => {
          if (!current()) return;
          mark('stl-viewer:first-frame', { triangles: share.triangles });
          this.#setState('ready');
          this.#part<HTMLButtonElement>('.wire').hidden = false;
        },
      });
      if (!current()) return viewer.dispose();
      this.#viewer = viewer;
      this.dataset.triangles = String(viewer.triangles);
    } catch (error) {
      if (!current()) return;
      const noGl = error instanceof Error && /webgl/i.test(error.message);
      // Keep the poster: a picture beats an error box.
      this.#setState('error', noGl ? '3D view is not available in this browser.' : undefined);
    }
  }

  #toggleWireframe() {
    if (!this.#viewer) return;
    const on = this.#viewer.toggleWireframe();
    this.#part<HTMLButtonElement>('.wire').setAttribute('aria-pressed', String(on));
  }
}

export function formatDims([x, y, z]: [number, number, number]): string {
  // 3 significant-ish digits, without trailing zeros after the point: 120, 45.5, 2.25.
  const f = (v: number) => String(Number(v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)));
  return `${f(x)} × ${f(y)} × ${f(z)} mm`;
}

if (!customElements.get('stl-viewer')) customElements.define('stl-viewer', StlViewerElement);

declare global {
  interface HTMLElementTagNameMap {
    'stl-viewer': StlViewerElement;
  }
}
