/**
 * The create page's side of the text preview: waits ~150 ms after the last keystroke or field change,
 * then asks the worker (text-model.worker.ts) for the solid. One request is in flight at a time; what
 * arrives meanwhile waits as the single next request (older ones are dropped), so a fast typist gets
 * the newest text built next rather than a queue of stale ones.
 */
import type { TextModelReply, TextModelRequest } from './protocol.ts';

export type TextModel = Extract<TextModelReply, { ok: true }>;

export const TEXT_PREVIEW_DELAY_MS = 150;

/** The licence of the bundled font travels with it into the build (linked under the preview). */
export const FONT_LICENCE_URL = new URL('../../../src/fonts/OFL.txt', import.meta.url).href;

export interface TextPreviewHandlers {
  /** A newer model than the one shown; the page is busy until it is on screen. */
  model(model: TextModel): Promise<void>;
  /** The newest request could not be built (the pipeline's message: no printable characters, a value out of range...). */
  failed(message: string): void;
  /** True while a request is waiting or being built. */
  busy(busy: boolean): void;
}

export class TextPreview {
  private worker: Worker | null = null;
  private timer = 0;
  private seq = 0;
  private shown = 0;
  private inFlight = false;
  /** A keystroke's delay is running. */
  private waiting = false;
  private next: Omit<TextModelRequest, 'seq'> | null = null;
  private lastKey = '';
  private readonly handlers: TextPreviewHandlers;

  constructor(handlers: TextPreviewHandlers) {
    this.handlers = handlers;
  }

  /** Schedules a build of this text with these job parameters (unchanged input is not rebuilt). */
  update(text: string, params: Record<string, unknown>): void {
    window.clearTimeout(this.timer);
    const key = JSON.stringify([text, params]);
    if (key === this.lastKey) {
      this.waiting = false;
      if (!this.inFlight && !this.next) this.handlers.busy(false);
      return;
    }
    this.waiting = true;
    this.handlers.busy(true);
    this.timer = window.setTimeout(() => {
      this.waiting = false;
      this.lastKey = key;
      this.next = { text, params };
      this.pump();
    }, TEXT_PREVIEW_DELAY_MS);
  }

  /** Starts the worker (it fetches the font and compiles manifold-3d at once), so the first text typed is built sooner. */
  warm(): void {
    this.worker ??= this.start();
  }

  /** Forgets the last request, so the next update builds even if unchanged (after switching away and back). */
  reset(): void {
    window.clearTimeout(this.timer);
    this.waiting = false;
    this.lastKey = '';
    this.next = null;
  }

  dispose(): void {
    window.clearTimeout(this.timer);
    this.worker?.terminate();
    this.worker = null;
  }

  private pump(): void {
    if (this.inFlight || !this.next) return;
    this.worker ??= this.start();
    const request: TextModelRequest = { seq: ++this.seq, ...this.next };
    this.next = null;
    this.inFlight = true;
    this.worker.postMessage(request);
  }

  private start(): Worker {
    const worker = new Worker(new URL('./text-model.worker.ts', import.meta.url), { type: 'module', name: 'text-preview' });
    worker.addEventListener('message', async (event: MessageEvent<TextModelReply>) => {
      this.inFlight = false;
      const reply = event.data;
      this.pump();
      if (reply.seq <= this.shown) return;
      this.shown = reply.seq;
      if (reply.ok) await this.handlers.model(reply).catch(() => undefined);
      else if (reply.seq === this.seq) this.handlers.failed(reply.message);
      if (reply.seq === this.seq && !this.next && !this.waiting && !this.inFlight) this.handlers.busy(false);
    });
    worker.addEventListener('error', () => {
      this.inFlight = false;
      this.worker?.terminate();
      this.worker = null;
      this.handlers.failed('The preview could not be computed in this browser; the server will still make it.');
      this.handlers.busy(false);
    });
    return worker;
  }
}
