/**
 * Crop, rotate and straighten the picture before it is meshed, on a canvas: quarter turns, a
 * straighten slider (±15°), aspect presets that come from the chosen shape (crop-presets.ts) and a
 * crop drawn by dragging on the picture. The result is a new image at the source's resolution:
 * that, not the original file, is what the preview shows and what is uploaded.
 * Geometry: the picture turned by θ sits in its bounding box; the crop may only use the centred
 * rectangle of the picture's own aspect that the turned picture covers fully (scale
 * s = min(w / (w cos θ + h sin θ), h / (w sin θ + h cos θ))), so no empty corner is ever uploaded.
 */
import { h } from './dom.ts';
import type { AspectPreset } from './crop-presets.ts';

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}
export interface CropState {
  quarterTurns: number;
  straightenDeg: number;
  /** Width / height, or null for a free crop. */
  aspect: number | null;
  /** In the turned picture's bounding box, source pixels. */
  crop: Rect | null;
}

/** The uploaded picture's longest side at most: sharp and the server limits take far more, the print needs no more. */
const MAX_OUTPUT_SIDE = 4096;
const DISPLAY_SIDE = 520;

export interface Cropper {
  element: HTMLElement;
  load(file: Blob, type: string): Promise<void>;
  setPresets(presets: AspectPreset[]): void;
  /** Forget the picture (a 3D file was chosen). */
  clear(): void;
  state(): CropState;
}

export function createCropper(onChange: (image: Blob) => void): Cropper {
  let bitmap: ImageBitmap | null = null;
  let outputType = 'image/jpeg';
  let state: CropState = { quarterTurns: 0, straightenDeg: 0, aspect: null, crop: null };
  let presets: AspectPreset[] = [];
  let timer = 0;

  const canvas = h('canvas', {
    class: 'crop-canvas',
    'data-testid': 'crop-canvas',
    role: 'img',
    'aria-label': 'The picture: drag on it to choose the part to keep',
  });
  const aspectSelect = h('select', { id: 'crop-aspect', 'data-testid': 'crop-aspect' });
  const straighten = h('input', {
    type: 'range',
    id: 'crop-straighten',
    min: -15,
    max: 15,
    step: 0.5,
    value: 0,
    'data-testid': 'crop-straighten',
  });
  const straightenValue = h('output', { for: 'crop-straighten' }, '0°');
  const rotateLeft = h('button', { type: 'button', class: 'secondary', 'aria-label': 'Turn left 90°' }, '⟲ 90°');
  const rotateRight = h('button', { type: 'button', class: 'secondary', 'aria-label': 'Turn right 90°' }, '⟳ 90°');
  const reset = h('button', { type: 'button', class: 'link-button' }, 'Reset crop');
  const info = h('small', { class: 'hint', 'data-testid': 'crop-info', 'aria-live': 'polite' });
  const element = h(
    'div',
    { class: 'cropper', hidden: true, 'data-testid': 'cropper' },
    h('h3', {}, 'Crop and straighten'),
    canvas,
    h(
      'div',
      { class: 'crop-controls' },
      h('div', { class: 'field' }, h('label', { for: aspectSelect.id }, 'Aspect'), aspectSelect),
      h(
        'div',
        { class: 'field' },
        h('label', { for: straighten.id }, 'Straighten'),
        h('div', { class: 'number-row' }, straighten, straightenValue),
      ),
      h('div', { class: 'crop-buttons' }, rotateLeft, rotateRight, reset),
    ),
    info,
  );

  const turned = () => {
    if (!bitmap) return { w: 0, h: 0 };
    return state.quarterTurns % 2 ? { w: bitmap.height, h: bitmap.width } : { w: bitmap.width, h: bitmap.height };
  };
  const angle = () => ((state.quarterTurns * 90 + state.straightenDeg) * Math.PI) / 180;
  /** The turned picture's bounding box. */
  function box(): { w: number; h: number } {
    const t = turned();
    const a = Math.abs((state.straightenDeg * Math.PI) / 180);
    return { w: t.w * Math.cos(a) + t.h * Math.sin(a), h: t.w * Math.sin(a) + t.h * Math.cos(a) };
  }
  /** The part of the box the turned picture covers: its own aspect, centred. */
  function valid(): Rect {
    const t = turned();
    const b = box();
    const a = Math.abs((state.straightenDeg * Math.PI) / 180);
    const s = Math.min(t.w / (t.w * Math.cos(a) + t.h * Math.sin(a)), t.h / (t.w * Math.sin(a) + t.h * Math.cos(a)));
    const w = t.w * s;
    const hh = t.h * s;
    return { x: (b.w - w) / 2, y: (b.h - hh) / 2, w, h: hh };
  }
  /** The largest rect of `aspect` in the valid part, centred. */
  function fullCrop(): Rect {
    const v = valid();
    if (!state.aspect) return v;
    let w = v.w;
    let hh = w / state.aspect;
    if (hh > v.h) (hh = v.h), (w = hh * state.aspect);
    return { x: v.x + (v.w - w) / 2, y: v.y + (v.h - hh) / 2, w, h: hh };
  }
  const currentCrop = () => state.crop ?? fullCrop();
  const edited = () => state.quarterTurns % 4 !== 0 || state.straightenDeg !== 0 || state.crop !== null || state.aspect !== null;

  function draw(): void {
    if (!bitmap) return;
    const b = box();
    const k = Math.min(1, DISPLAY_SIDE / Math.max(b.w, b.h));
    canvas.width = Math.round(b.w * k);
    canvas.height = Math.round(b.h * k);
    const ctx = canvas.getContext('2d')!;
    ctx.save();
    ctx.scale(k, k);
    paint(ctx, b);
    ctx.restore();
    const c = currentCrop();
    ctx.fillStyle = 'rgb(0 0 0 / 55%)';
    ctx.beginPath();
    ctx.rect(0, 0, canvas.width, canvas.height);
    ctx.rect(c.x * k, c.y * k, c.w * k, c.h * k);
    ctx.fill('evenodd');
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = 2;
    ctx.strokeRect(c.x * k + 1, c.y * k + 1, c.w * k - 2, c.h * k - 2);
    const out = outputSize(c);
    info.textContent = `Keeps ${out.w} × ${out.h} px`;
  }

  /** The turned picture drawn into its bounding box (ctx in box pixels). */
  function paint(ctx: CanvasRenderingContext2D, b: { w: number; h: number }): void {
    ctx.translate(b.w / 2, b.h / 2);
    ctx.rotate(angle());
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(bitmap!, -bitmap!.width / 2, -bitmap!.height / 2);
  }

  function outputSize(c: Rect): { w: number; h: number; scale: number } {
    const scale = Math.min(1, MAX_OUTPUT_SIDE / Math.max(c.w, c.h));
    return { w: Math.max(2, Math.round(c.w * scale)), h: Math.max(2, Math.round(c.h * scale)), scale };
  }

  async function render(): Promise<Blob> {
    const c = currentCrop();
    const out = outputSize(c);
    const target = document.createElement('canvas');
    target.width = out.w;
    target.height = out.h;
    const ctx = target.getContext('2d')!;
    ctx.scale(out.w / c.w, out.h / c.h);
    ctx.translate(-c.x, -c.y);
    paint(ctx, box());
    return new Promise((resolve, reject) =>
      target.toBlob(
        (blob) => (blob ? resolve(blob) : reject(new Error('crop: the browser could not encode the picture'))),
        outputType,
        0.92,
      ),
    );
  }

  function changed(): void {
    draw();
    window.clearTimeout(timer);
    // Wait until the hand stops: every settled change is one new picture (and one upload).
    timer = window.setTimeout(async () => {
      if (!bitmap || !edited()) return;
      onChange(await render());
    }, 450);
  }

  function renderPresets(): void {
    const wanted = presets.find((p) => p.ratio === state.aspect) ?? presets[0];
    aspectSelect.replaceChildren(...presets.map((p, i) => h('option', { value: String(i), selected: p === wanted }, p.label)));
    const ratio = wanted?.ratio ?? null;
    if (ratio !== state.aspect) {
      state.aspect = ratio;
      state.crop = null;
      if (bitmap) changed();
    }
  }

  aspectSelect.addEventListener('change', () => {
    state.aspect = presets[Number(aspectSelect.value)]?.ratio ?? null;
    state.crop = null;
    changed();
  });
  straighten.addEventListener('input', () => {
    state.straightenDeg = Number(straighten.value);
    straightenValue.textContent = `${straighten.value}°`;
    state.crop = null;
    changed();
  });
  const turn = (by: number) => {
    state.quarterTurns = (state.quarterTurns + by + 4) % 4;
    state.crop = null;
    changed();
  };
  rotateLeft.addEventListener('click', () => turn(-1));
  rotateRight.addEventListener('click', () => turn(1));
  reset.addEventListener('click', () => {
    state = { quarterTurns: 0, straightenDeg: 0, aspect: state.aspect, crop: null };
    straighten.value = '0';
    straightenValue.textContent = '0°';
    changed();
  });

  // Drag to draw the crop, kept to the aspect and inside the covered part.
  let dragFrom: { x: number; y: number } | null = null;
  const toBox = (e: PointerEvent) => {
    const r = canvas.getBoundingClientRect();
    const b = box();
    return { x: ((e.clientX - r.left) / r.width) * b.w, y: ((e.clientY - r.top) / r.height) * b.h };
  };
  canvas.addEventListener('pointerdown', (e) => {
    if (!bitmap) return;
    canvas.setPointerCapture(e.pointerId);
    dragFrom = toBox(e);
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!dragFrom) return;
    const rect = dragRect(dragFrom, toBox(e), valid(), state.aspect);
    if (rect) {
      state.crop = rect;
      draw();
    }
  });
  canvas.addEventListener('pointerup', () => {
    if (!dragFrom) return;
    dragFrom = null;
    changed();
  });

  return {
    element,
    async load(file, type) {
      bitmap?.close();
      bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
      outputType = type === 'image/png' || type === 'image/webp' ? 'image/png' : 'image/jpeg';
      state = { quarterTurns: 0, straightenDeg: 0, aspect: state.aspect, crop: null };
      straighten.value = '0';
      straightenValue.textContent = '0°';
      element.hidden = false;
      draw();
      // A shape with a fixed aspect (a heart is square) crops at once; a free crop keeps the file as it is.
      if (state.aspect !== null) changed();
    },
    setPresets(next) {
      presets = next;
      renderPresets();
    },
    clear() {
      bitmap?.close();
      bitmap = null;
      element.hidden = true;
    },
    state: () => ({ ...state }),
  };
}

/** The rectangle dragged from `a` to `b`, with `aspect` (w/h) kept, clamped into `bounds`; null when too small. */
export function dragRect(a: { x: number; y: number }, b: { x: number; y: number }, bounds: Rect, aspect: number | null): Rect | null {
  const clampX = (x: number) => Math.min(bounds.x + bounds.w, Math.max(bounds.x, x));
  const clampY = (y: number) => Math.min(bounds.y + bounds.h, Math.max(bounds.y, y));
  const ax = clampX(a.x);
  const ay = clampY(a.y);
  let w = clampX(b.x) - ax;
  let hh = clampY(b.y) - ay;
  if (aspect) {
    // Keep the larger of the two sides the hand asked for, within what fits on that side of the start.
    const roomW = w >= 0 ? bounds.x + bounds.w - ax : ax - bounds.x;
    const roomH = hh >= 0 ? bounds.y + bounds.h - ay : ay - bounds.y;
    let size = Math.max(Math.abs(w), Math.abs(hh) * aspect);
    size = Math.min(size, roomW, roomH * aspect);
    w = Math.sign(w || 1) * size;
    hh = Math.sign(hh || 1) * (size / aspect);
  }
  if (Math.abs(w) < 8 || Math.abs(hh) < 8) return null;
  return { x: Math.min(ax, ax + w), y: Math.min(ay, ay + hh), w: Math.abs(w), h: Math.abs(hh) };
}
