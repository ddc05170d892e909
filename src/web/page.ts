// The one HTML page of the dashboard: a shell that the front end (client/main.ts) fills for each
// path. Nothing in it comes from the store or the request, so it needs no escaping.

/** the paths that show the dashboard (the front end draws the view each one names) */
export const PAGE_PATHS = ['/', '/flows', '/flows/:id', '/hosts/:key', '/risks'] as const;

export function pageHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>sonde</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/style.css">
<script type="module" src="/app/main.js"></script>
</head>
<body>
<header class="top">
  <a class="brand" href="/">sonde</a>
  <nav>
    <a href="/" data-nav="overview">Overview</a>
    <a href="/flows" data-nav="flows">Flows</a>
    <a href="/risks" data-nav="risks">Risks &amp; alerts</a>
  </nav>
  <form class="hostjump" id="hostjump" role="search"><input name="key" placeholder="host or address" aria-label="open a host or address"></form>
  <button type="button" id="theme" class="theme" aria-label="switch between light and dark">◐</button>
</header>
<section id="range" class="range" aria-label="time range"></section>
<main id="view"><p class="muted">Loading…</p></main>
<footer class="foot">sonde · no payload is stored or shown</footer>
</body>
</html>
`;
}
