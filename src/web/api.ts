import { type FastifyInstance, type FastifyReply } from 'fastify';
import { FilterError, type FlowFilter, integer, oneOf, PAGING_NAMES, parseFilter, parsePaging, parseTopLimit } from './filters.js';
import { type DashboardQueries, METRICS, type Metric, TIMELINE_GROUPS, type TimelineGroup } from './queries.js';

// The JSON API under /api/: every view of the dashboard, for scripts too. Each endpoint takes the
// flow filters (filters.ts) as query parameters; a bad one is a 400 with a message.

type Query = Record<string, unknown>;

const TOP_LISTS = ['applications', 'categories', 'protocols', 'hosts', 'talkers', 'ports', 'risks', 'peers'] as const;
type TopList = (typeof TOP_LISTS)[number];

const count = (q: Query, key: string, min: number, max: number, fallback: number): number => integer(q, key, min, max) ?? fallback;

/** alerts have a target, not flow fields: only these filters apply to them */
const ALERT_FILTERS = ['from', 'to', 'address', 'run'] as const;

function alertFilter(q: Query): FlowFilter {
  const f = parseFilter(q, ['limit']);
  for (const [k, v] of Object.entries(f)) {
    if (v !== null && !(ALERT_FILTERS as readonly string[]).includes(k)) throw new FilterError(`'${k}' does not apply to alerts: they take ${ALERT_FILTERS.join(', ')}`);
  }
  return f;
}

export function registerApi(app: FastifyInstance, queries: DashboardQueries): void {
  const answer = async (reply: FastifyReply, work: () => Promise<unknown>): Promise<unknown> => {
    try {
      return await work();
    } catch (e) {
      if (e instanceof FilterError) return reply.code(400).send({ error: e.message });
      throw e;
    }
  };

  app.get('/api/summary', (req, reply) => answer(reply, () => queries.summary(parseFilter(req.query as Query))));

  app.get('/api/timeline', (req, reply) => answer(reply, () => {
    const q = req.query as Query;
    const f = parseFilter(q, ['by', 'metric', 'series']);
    const by = oneOf<TimelineGroup>(q, 'by', Object.keys(TIMELINE_GROUPS) as TimelineGroup[]) ?? 'application';
    const metric = oneOf<Metric>(q, 'metric', Object.keys(METRICS) as Metric[]) ?? 'bytes';
    return queries.timeline(f, by, metric, count(q, 'series', 1, 20, 8));
  }));

  app.get<{ Params: { what: string } }>('/api/top/:what', (req, reply) => answer(reply, async () => {
    const what = req.params.what;
    if (!(TOP_LISTS as readonly string[]).includes(what)) return reply.code(404).send({ error: `no top list '${what.slice(0, 40)}': there are ${TOP_LISTS.join(', ')}` });
    const q = req.query as Query;
    const f = parseFilter(q, ['limit']);
    const limit = parseTopLimit(q);
    switch (what as TopList) {
      case 'talkers':
        return queries.topTalkers(f, limit);
      case 'ports':
        return queries.topPorts(f, limit);
      case 'risks':
        return queries.topRisks(f, limit);
      case 'peers':
        if (f.address === null && f.host === null) throw new FilterError("peers need 'address' or 'host'");
        return queries.topPeers(f, limit);
      default:
        return queries.topNames(f, what as 'applications' | 'categories' | 'protocols' | 'hosts', limit);
    }
  }));

  app.get('/api/flows', (req, reply) => answer(reply, () => {
    const q = req.query as Query;
    return queries.flows(parseFilter(q, PAGING_NAMES), parsePaging(q));
  }));

  app.get<{ Params: { id: string } }>('/api/flows/:id', (req, reply) => answer(reply, async () => {
    const id = req.params.id;
    if (!/^\d{1,19}$/.test(id) || BigInt(id) > 2n ** 63n - 1n) throw new FilterError(`a flow id is a number (the id of /api/flows), not '${id.slice(0, 40)}'`);
    parseFilter(req.query as Query);
    const flow = await queries.flow(id);
    if (!flow) return reply.code(404).send({ error: `no flow ${id} in the store` });
    return flow;
  }));

  app.get('/api/alerts', (req, reply) => answer(reply, () => {
    const q = req.query as Query;
    return queries.alerts(alertFilter(q), count(q, 'limit', 1, 1000, 200));
  }));

  app.get('/api/runs', (req, reply) => answer(reply, () => {
    const q = req.query as Query;
    const f = parseFilter(q, ['limit']);
    for (const [k, v] of Object.entries(f)) if (v !== null && !['from', 'to', 'run'].includes(k)) throw new FilterError(`'${k}' does not apply to runs: they take from, to, run`);
    return queries.runs(f, count(q, 'limit', 1, 1000, 100));
  }));

  app.get('/api/options', (req, reply) => answer(reply, () => queries.options(parseFilter(req.query as Query))));

  app.get('/api/*', (_req, reply) => reply.code(404).send({ error: 'no such endpoint: see the README for /api/summary, /api/timeline, /api/top/…, /api/flows, /api/alerts, /api/runs' }));
}
