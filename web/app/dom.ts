/** A tiny DOM builder: h('button', { class: 'primary', onclick }, 'Save'). No innerHTML anywhere. */
type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, unknown>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Array<Child | Child[]>
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value as EventListener);
    } else if (key === 'class') {
      el.className = String(value);
    } else if (key === 'value' && 'value' in el) {
      (el as unknown as { value: string }).value = String(value);
    } else if (
      key === 'checked' ||
      key === 'disabled' ||
      key === 'selected' ||
      key === 'multiple' ||
      key === 'required' ||
      key === 'hidden'
    ) {
      (el as unknown as Record<string, boolean>)[key] = Boolean(value);
      if (key !== 'checked' && key !== 'selected') el.setAttribute(key, '');
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: Array<Child | Child[]>): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** Polite announcement for screen readers (the shared aria-live region). */
export function announce(message: string): void {
  const region = document.getElementById('announcer');
  if (!region) return;
  region.textContent = '';
  window.setTimeout(() => (region.textContent = message), 30);
}

let uid = 0;
export const nextId = (prefix: string) => `${prefix}-${++uid}`;

/** A labelled form field; the control gets an id and aria-describedby for its hint. */
export function field(label: string, control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, hint?: string): HTMLElement {
  control.id ||= nextId('f');
  const hintEl = hint ? h('small', { class: 'hint', id: `${control.id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hintEl);
}

export function errorBox(): HTMLElement & { show(message: string | null): void } {
  const box = h('p', { class: 'error', role: 'alert', hidden: true }) as unknown as HTMLElement & { show(message: string | null): void };
  box.show = (message) => {
    box.textContent = message ?? '';
    box.hidden = !message;
  };
  return box;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function formatDate(ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function mm(n: number): string {
  return `${(Math.round(n * 10) / 10).toLocaleString(undefined, { maximumFractionDigits: 1 })} mm`;
}
