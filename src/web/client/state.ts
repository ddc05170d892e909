// The view's state lives in the URL: the path names the view, the query its filters, so a view
// can be bookmarked, shared and reloaded as it is.

export const FILTER_KEYS = ['from', 'to', 'application', 'category', 'protocol', 'host', 'address', 'client', 'server', 'port', 'l4', 'risk', 'severity', 'confidence', 'run'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

export function params(): URLSearchParams {
  return new URLSearchParams(location.search);
}

/** the URL's filters only (no paging or view options) */
export function filters(from: URLSearchParams = params()): URLSearchParams {
  const out = new URLSearchParams();
  for (const k of FILTER_KEYS) {
    const v = from.get(k);
    if (v) out.set(k, v);
  }
  return out;
}

let onNavigate: () => void = () => undefined;

export function setRenderer(render: () => void): void {
  onNavigate = render;
}

export function href(path: string, query?: URLSearchParams): string {
  const q = query?.toString();
  return q ? `${path}?${q}` : path;
}

export function navigate(path: string, query?: URLSearchParams): void {
  history.pushState(null, '', href(path, query));
  onNavigate();
}

/** the same view with some parameters changed (null removes one) */
export function update(changes: Record<string, string | null>, path = location.pathname): void {
  const q = params();
  for (const [k, v] of Object.entries(changes)) {
    if (v === null || v === '') q.delete(k);
    else q.set(k, v);
  }
  navigate(path, q);
}

/** links inside the app navigate without reloading the page */
export function interceptLinks(): void {
  document.addEventListener('click', (e) => {
    const a = (e.target as Element | null)?.closest?.('a');
    if (!a || a.target || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
    e.preventDefault();
    history.pushState(null, '', url.pathname + url.search);
    onNavigate();
  });
  window.addEventListener('popstate', () => onNavigate());
}
