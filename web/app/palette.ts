/**
 * The colour relief's palette picker: the filament library from GET /api/v1/modes as toggles with
 * their colour, a box for a user's own filament (Name:#RRGGBB:TD), and a strip that shows, bottom
 * to top, the colours the relief can show with these filaments stacked dark to light in equal
 * bands, redrawn as the choice changes. The strip follows the server's stack model
 * (src/pipeline/colour/stack-colour.ts: a band d mm thick passes 10^(-d/TD) of what is under it);
 * the server then fits the swap heights to the photo and sends the predicted print (colour.png).
 */
import { h } from './dom.ts';

export interface Filament {
  id: string;
  name: string;
  hex: string;
  tdMm: number;
}

export interface PaletteSpec {
  kind: 'palette';
  label: string;
  options: Array<[string, string]>;
  value: string[];
  min: number;
  max: number;
  pattern?: string;
  hint?: string;
}

const OWN = /^([^:,]{1,40}):(#[0-9a-fA-F]{6}):([0-9]+(?:\.[0-9]+)?)$/;

export function filamentOf(spec: string, library: readonly Filament[]): Filament | undefined {
  const known = library.find((f) => f.id === spec);
  if (known) return known;
  const m = OWN.exec(spec);
  return m ? { id: spec, name: m[1], hex: m[2].toLowerCase(), tdMm: Number(m[3]) } : undefined;
}

/** One control; `onChange` receives the new list (library ids and own entries, in the order picked). */
export function paletteControl(
  id: string,
  spec: PaletteSpec,
  current: string[],
  library: readonly Filament[],
  onChange: (value: string[]) => void,
): HTMLElement {
  let chosen = [...current];
  const strip = h('canvas', { class: 'palette-strip', width: 24, height: 120, 'data-testid': 'palette-strip', role: 'img' });
  const chips = h('div', { class: 'palette-chips', role: 'group', 'aria-labelledby': `${id}-label` });
  const own = h('input', {
    type: 'text',
    id: `${id}-own`,
    placeholder: 'Your own: Name:#RRGGBB:TD',
    pattern: spec.pattern?.replace(/^\^|\$$/g, ''),
  });
  const note = h('small', { class: 'hint', 'aria-live': 'polite' });

  const set = (next: string[]) => {
    chosen = next;
    render();
    onChange([...chosen]);
  };
  const render = () => {
    const entries = [...library.map((f) => f.id), ...chosen.filter((c) => !library.some((f) => f.id === c))];
    chips.replaceChildren(
      ...entries.map((entry) => {
        const f = filamentOf(entry, library);
        const on = chosen.includes(entry);
        return h(
          'button',
          {
            type: 'button',
            class: `chip${on ? ' on' : ''}`,
            'aria-pressed': on ? 'true' : 'false',
            title: f ? `${f.name}, TD ${f.tdMm} mm` : entry,
            onclick: () => {
              if (on) set(chosen.filter((c) => c !== entry));
              else if (chosen.length < spec.max) set([...chosen, entry]);
            },
          },
          swatch(f?.hex ?? '#888'),
          f?.name ?? entry,
        );
      }),
    );
    const stack = chosen.map((c) => filamentOf(c, library)).filter((f): f is Filament => f !== undefined);
    drawStrip(strip, stack);
    strip.setAttribute(
      'aria-label',
      `Colours from bottom to top: ${
        orderDarkToLight(stack)
          .map((f) => f.name)
          .join(', ') || 'none'
      }`,
    );
    note.textContent = chosen.length < spec.min ? `Pick at least ${spec.min}.` : `${chosen.length} of at most ${spec.max}.`;
  };
  const addOwn = () => {
    const value = own.value.trim();
    if (!filamentOf(value, library)) {
      note.textContent = 'Write your filament as Name:#RRGGBB:TD, for example Galaxy Blue:#1F3A93:1.4';
      return;
    }
    if (!chosen.includes(value) && chosen.length < spec.max) set([...chosen, value]);
    own.value = '';
  };
  own.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      addOwn();
    }
  });
  render();
  return h(
    'div',
    { class: 'field palette', 'data-testid': 'palette' },
    h('label', { id: `${id}-label`, for: `${id}-own` }, spec.label),
    h('div', { class: 'palette-row' }, strip, chips),
    h('div', { class: 'number-row' }, own, h('button', { type: 'button', onclick: addOwn }, 'Add')),
    note,
    spec.hint ? h('small', { class: 'hint' }, spec.hint) : null,
  );
}

/** A colour chip. Set through the CSSOM: a style attribute is inline style, which the page's CSP (style-src 'self') blocks. */
function swatch(hex: string): HTMLElement {
  const el = h('span', { class: 'swatch' });
  el.style.background = hex;
  return el;
}

function orderDarkToLight(filaments: Filament[]): Filament[] {
  return [...filaments].sort((a, b) => luminance(linear(a.hex)) - luminance(linear(b.hex)));
}

/** Equal bands over 2 mm above the first filament, each 0.08 mm layer one row of the strip. */
function drawStrip(canvas: HTMLCanvasElement, filaments: Filament[]): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  if (filaments.length === 0) return;
  const stack = orderDarkToLight(filaments);
  const layers = 25;
  const per = layers / stack.length;
  let done = linear(stack[0].hex);
  const rows = canvas.height / (layers + 1);
  for (let layer = 0; layer <= layers; layer++) {
    const k = Math.min(stack.length - 1, Math.floor(layer / per));
    const bandStart = Math.round(k * per);
    if (layer === bandStart && k > 0)
      done = mix(done, linear(stack[k - 1].hex), (bandStart - Math.round((k - 1) * per)) * 0.08, stack[k - 1].tdMm);
    const c = layer === 0 ? done : mix(done, linear(stack[k].hex), (layer - bandStart + 1) * 0.08, stack[k].tdMm);
    ctx.fillStyle = `rgb(${c.map((v) => Math.round(encode(v) * 255)).join(',')})`;
    ctx.fillRect(0, canvas.height - (layer + 1) * rows, canvas.width, Math.ceil(rows));
  }
}

function mix(under: number[], colour: number[], thicknessMm: number, tdMm: number): number[] {
  const t = 10 ** (-thicknessMm / tdMm);
  return colour.map((c, i) => c * (1 - t) + under[i] * t);
}

function linear(hex: string): number[] {
  const v = Number.parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255].map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
}

function encode(v: number): number {
  const c = Math.min(1, Math.max(0, v));
  return c <= 0.0031308 ? c * 12.92 : 1.055 * c ** (1 / 2.4) - 0.055;
}

function luminance(rgb: number[]): number {
  return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
}
