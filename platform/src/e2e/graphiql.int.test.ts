/**
 * The browser IDE of development: GraphiQL from node_modules, through the public port (the edge),
 * with every script, style and worker it loads answered locally, so it works offline. Production
 * has none of it.
 */
import { startEdge, type RunningEdge } from '@victori/gateway';
import { startTestPlatform, type TestPlatform, testEdgeConfig } from '../testing.js';

describe('the development landing page', () => {
  let platform: TestPlatform;
  let edge: RunningEdge;
  let origin: string;
  beforeAll(async () => {
    platform = await startTestPlatform('graphiql', { seed: false });
    edge = await startEdge(testEdgeConfig(platform.gatewayUrl));
    origin = new URL(edge.url).origin;
  });
  afterAll(async () => {
    await edge?.close();
    await platform?.close();
  });

  test("GET / is the citizens' web app on the public port; the IDE lives at /graphql", async () => {
    const page = await fetch(`${origin}/`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<div id="app"></div>');
    expect(html).not.toContain('GraphiQL');
  });

  test('GET /graphql from a browser is GraphiQL with a header editor, every asset served locally', async () => {
    const page = await fetch(`${origin}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('YogaGraphiQL.renderYogaGraphiQL');
    expect(html).toContain('"isHeadersEditorEnabled":true');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//); // nothing from another host (no CDN)
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    const workers = Object.values(JSON.parse(/const workers = (\{[^}]*\})/.exec(html)![1]!) as Record<string, string>).map(
      (w) => `/graphiql/${w}`,
    );
    expect(urls).toEqual(['/graphiql/favicon.ico', '/graphiql/graphiql.css', '/graphiql/graphiql.js']);
    for (const url of [...urls, ...workers]) {
      const res = await fetch(`${origin}${url}`);
      expect({ url, status: res.status }).toEqual({ url, status: 200 });
      const type = res.headers.get('content-type')!;
      if (url.endsWith('.js')) expect(type).toContain('javascript');
      if (url.endsWith('.css')) expect(type).toContain('text/css');
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(url.endsWith('.ico') ? 100 : 1000);
    }
  });

  test('the page queries the same origin, and queries still work there', async () => {
    const html = await (await fetch(`${origin}/graphql`, { headers: { accept: 'text/html' } })).text();
    expect(html).toContain('"endpoint":"/graphql"');
    const res = await fetch(`${origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(await res.json()).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('production', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform('graphiqlprod', { seed: false, mode: 'production', serviceEnv: { SATUSEHAT_DELIVERY: 'off' } });
  });
  afterAll(async () => {
    await platform?.close();
  });

  test('has no IDE: no page, no assets', async () => {
    const origin = new URL(platform.gatewayUrl).origin;
    const page = await fetch(`${origin}/`, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toContain('GraphiQL');
    for (const asset of ['/graphiql/graphiql.js', '/graphiql/graphiql.css']) expect((await fetch(`${origin}${asset}`)).status).toBe(404);
  });
});
