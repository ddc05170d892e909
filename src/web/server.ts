import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { registerApi } from './api.js';
import { PAGE_PATHS, pageHtml } from './page.js';
import { type DashboardQueries } from './queries.js';
import { STYLE } from './style.js';

// The dashboard's web server: the JSON API, the page shell, the front end's modules (built with
// the project into dist/web/client) and uPlot, all from this process; nothing is fetched from the
// internet. Local by default; on any other address a token is required on every request.

export interface ServeOptions {
  /** address to bind: 127.0.0.1 unless given */
  listen: string;
  port: number;
  /** required on every request when set: Authorization: Bearer T, ?token=T (which sets a cookie), or that cookie */
  token: string | null;
}

const TOKEN_COOKIE = 'sonde_token';
const LOCAL = new Set(['127.0.0.1', '::1', 'localhost']);

export const isLocalAddress = (a: string): boolean => LOCAL.has(a) || /^127\./.test(a);

/** a token for a non-local listen when none is given: 128 random bits */
export const newToken = (): string => randomBytes(16).toString('base64url');

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** the front end's modules: every .js file that the web build wrote, read once */
function clientModules(): Map<string, string> {
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'client');
  const files = new Map<string, string>();
  const walk = (d: string, prefix: string): void => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${prefix}${e.name}/`);
      else if (e.name.endsWith('.js')) files.set(`/app/${prefix}${e.name}`, readFileSync(join(d, e.name), 'utf8'));
    }
  };
  walk(dir, '');
  files.set('/app/vendor/uPlot.esm.js', readFileSync(join(UPLOT_DIR, 'uPlot.esm.js'), 'utf8'));
  return files;
}

const UPLOT_DIR = dirname(createRequire(import.meta.url).resolve('uplot'));

function cookieToken(header: string | undefined): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === TOKEN_COOKIE) return decodeURIComponent(v.join('='));
  }
  return null;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The Host header's name without its port: a local server answers only to local names (no DNS rebinding). */
function hostName(req: FastifyRequest): string {
  const h = req.headers.host ?? '';
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']'));
  return h.split(':')[0]!;
}

export async function createServer(queries: DashboardQueries, options: ServeOptions): Promise<FastifyInstance> {
  // loaded when a dashboard starts, not with every command (the CLI bundle leaves it out)
  const { default: Fastify } = await import('fastify');
  const app = Fastify({ logger: false, routerOptions: { maxParamLength: 200 }, bodyLimit: 1024 });
  const modules = clientModules();
  const style = readFileSync(join(UPLOT_DIR, 'uPlot.min.css'), 'utf8') + STYLE;
  const local = isLocalAddress(options.listen);
  if (!local && !options.token) throw new Error('a non-local listen needs a token');

  app.addHook('onRequest', async (req, reply) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
    if (local && !isLocalAddress(hostName(req))) return reply.code(403).send({ error: 'this dashboard answers on localhost only: open it as http://127.0.0.1, or serve with --listen and --token' });
    if (!options.token) return undefined;
    const q = req.query as Record<string, unknown>;
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? null;
    const given = bearer ?? (typeof q.token === 'string' ? q.token : null) ?? cookieToken(req.headers.cookie);
    if (given === null || !sameSecret(given, options.token)) {
      return reply.code(401).send({ error: "a token is needed: open the address the server printed (…/?token=…), or send 'Authorization: Bearer TOKEN'" });
    }
    if (typeof q.token === 'string') reply.header('set-cookie', `${TOKEN_COOKIE}=${encodeURIComponent(options.token)}; Path=/; HttpOnly; SameSite=Strict`);
    return undefined;
  });
  // the token is not a filter: drop it before the API reads the query
  app.addHook('preHandler', async (req) => {
    const q = req.query as Record<string, unknown>;
    if (q && 'token' in q) delete q.token;
  });

  registerApi(app, queries);

  const page = (_req: FastifyRequest, reply: FastifyReply): FastifyReply => reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(pageHtml());
  for (const p of PAGE_PATHS) app.get(p, page);
  app.get('/style.css', (_req, reply) => reply.type('text/css; charset=utf-8').send(style));
  app.get('/app/*', (req, reply) => {
    const path = req.url.split('?')[0]!;
    const body = modules.get(path);
    if (body === undefined) return reply.code(404).send({ error: 'not found' });
    return reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(body);
  });
  app.setNotFoundHandler((_req, reply) => reply.code(404).send({ error: 'not found' }));
  app.setErrorHandler((e, _req, reply) => {
    const status = (e as { statusCode?: number }).statusCode ?? 500;
    const message = String((e as Error).message ?? e).split('\n')[0];
    reply.code(status >= 400 && status < 600 ? status : 500).send({ error: status >= 500 ? `the store could not answer: ${message}` : message });
  });
  return app;
}
