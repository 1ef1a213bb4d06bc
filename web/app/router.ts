/** History-API routing: paths map to page renderers; a page may return a cleanup (close SSE, dispose WebGL). */
export type Cleanup = () => void;
export interface PageContext {
  params: Record<string, string>;
  query: URLSearchParams;
  main: HTMLElement;
  /** Aborted when the user leaves the page. */
  signal: AbortSignal;
}
// biome-ignore lint/suspicious/noConfusingVoidType: a page may return nothing or a cleanup
export type Page = (ctx: PageContext) => Promise<Cleanup | void> | Cleanup | void;
interface Route {
  pattern: RegExp;
  keys: string[];
  page: Page;
  title: string;
  /** true: signed in only; false: signed out only (sign-in, sign-up); 'public': anyone. */
  auth: boolean | 'public';
}

const routes: Route[] = [];
let cleanup: Cleanup | undefined;
let controller: AbortController | undefined;
let guard: (auth: boolean, path: string) => string | null = () => null;

export function route(path: string, title: string, page: Page, options: { auth?: boolean | 'public' } = {}): void {
  const keys: string[] = [];
  const pattern = new RegExp(`^${path.replace(/:([a-zA-Z]+)/g, (_, key: string) => (keys.push(key), '([^/]+)'))}/?$`);
  routes.push({ pattern, keys, page, title, auth: options.auth ?? true });
}

export function setGuard(fn: typeof guard): void {
  guard = fn;
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  void render();
}

export async function render(): Promise<void> {
  const main = document.getElementById('main')!;
  const { pathname, search } = location;
  const match = routes.map((r) => ({ r, m: r.pattern.exec(pathname) })).find((x) => x.m);
  if (!match) {
    main.replaceChildren();
    const p = document.createElement('p');
    p.textContent = 'This page does not exist.';
    const h1 = document.createElement('h1');
    h1.textContent = 'Not found';
    main.append(h1, p);
    document.title = 'Not found · image-to-stl';
    return;
  }
  const redirect = match.r.auth === 'public' ? null : guard(match.r.auth, pathname + search);
  if (redirect) return navigate(redirect, { replace: true });
  cleanup?.();
  cleanup = undefined;
  controller?.abort();
  controller = new AbortController();
  const params: Record<string, string> = {};
  match.r.keys.forEach((key, i) => (params[key] = decodeURIComponent(match.m![i + 1])));
  document.title = `${match.r.title} · image-to-stl`;
  // Each page renders into its own view, so a slow page that finishes after the user moved on
  // writes into a detached element, never into the next page.
  const view = document.createElement('div');
  view.className = 'view';
  main.replaceChildren(view);
  const signal = controller.signal;
  const result = await match.r.page({ params, query: new URLSearchParams(search), main: view, signal });
  if (signal.aborted) return void result?.();
  cleanup = result ?? undefined;
  // Move focus to the new page's heading for keyboard and screen-reader users.
  const heading = view.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: true });
  }
  document.dispatchEvent(new CustomEvent('routechange'));
}

export function startRouter(): void {
  window.addEventListener('popstate', () => void render());
  document.addEventListener('click', (e) => {
    const a = (e.target as Element | null)?.closest?.('a[data-link]') as HTMLAnchorElement | null;
    if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(a.getAttribute('href')!);
  });
  void render();
}
