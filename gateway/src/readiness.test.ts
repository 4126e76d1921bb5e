import { edgeReadiness } from './readiness.js';

describe("the edge's /ready", () => {
  test('every part up: 200 ready, each part named', () => {
    expect(edgeReadiness({ status: 200, body: { status: 'ready', checks: { booking: true, reporting: true } } })).toEqual({
      httpStatus: 200,
      body: { status: 'ready', service: 'edge', checks: { gateway: 'up', booking: 'up', reporting: 'up' } },
    });
  });

  test('a subgraph down while the gateway serves: 200 degraded naming it (the rest is still served)', () => {
    const answer = edgeReadiness({ status: 503, body: { status: 'not-ready', checks: { booking: false, reporting: { ok: true } } } });
    expect(answer).toEqual({
      httpStatus: 200,
      body: { status: 'degraded', service: 'edge', checks: { gateway: 'up', booking: 'down', reporting: 'up' }, down: ['booking'] },
    });
  });

  test('the gateway down, or answering without its checks: 503 not-ready', () => {
    for (const gateway of [
      undefined,
      { status: 503, body: { status: 'not-ready', error: 'boom' } },
      { status: 502, body: 'Bad Gateway' },
    ]) {
      expect(edgeReadiness(gateway)).toEqual({
        httpStatus: 503,
        body: { status: 'not-ready', service: 'edge', checks: { gateway: 'down' }, down: ['gateway'] },
      });
    }
  });
});
