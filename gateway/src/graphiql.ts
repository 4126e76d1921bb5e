import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type * as GraphiqlAssets from '@graphql-yoga/render-graphiql/graphiql';

/**
 * The development landing page: GraphiQL (The Guild's build of it in @graphql-yoga/render-graphiql,
 * React and Monaco included) served from node_modules by the gateway itself, so it works offline,
 * unlike Apollo Sandbox, which loads from a CDN. The Headers tab holds the bearer token. Production
 * uses ApolloServerPluginLandingPageDisabled and no asset routes instead.
 */
export const GRAPHIQL_ASSETS = '/graphiql';

type Assets = typeof GraphiqlAssets;
let assets: Promise<Assets> | undefined;
// Five megabytes of script: loaded on the first visit, not at every gateway start.
const load = () => (assets ??= import('@graphql-yoga/render-graphiql/graphiql'));

const FILES: Record<string, { type: string; pick: (a: Assets) => string }> = {
  'graphiql.js': { type: 'application/javascript; charset=utf-8', pick: (a) => a.js },
  'graphiql.css': { type: 'text/css; charset=utf-8', pick: (a) => a.css },
  'editor.worker.js': { type: 'application/javascript; charset=utf-8', pick: (a) => a.editorWorkerService },
  'json.worker.js': { type: 'application/javascript; charset=utf-8', pick: (a) => a.jsonWorker },
  'graphql.worker.js': { type: 'application/javascript; charset=utf-8', pick: (a) => a.graphqlWorker },
};

const DEFAULT_QUERY = `# Public queries need no token. For the others open Headers
# below and paste {"Authorization": "Bearer <token>"}
# with a token from, e.g.:
#   npm run -s token -- --role admin
#   npm run -s token -- --role citizen --sub demo-adult
query UpcomingBoosterSessions {
  sessions(filter: { productCode: "INDOVAC", hasPlaces: true }, first: 5) {
    edges {
      node { id date startTime remainingPlaces facility { name } }
    }
  }
}
`;

const escapeScript = (json: string) => json.replaceAll('<', '\\u003c');

export function graphiqlPage(endpoint = '/graphql'): string {
  const options = {
    endpoint,
    title: 'VICTORI GraphiQL',
    defaultQuery: DEFAULT_QUERY,
    headers: '{}',
    shouldPersistHeaders: true,
    isHeadersEditorEnabled: true,
    defaultEditorToolsVisibility: 'headers',
  };
  const workers = { editorWorkerService: 'editor.worker.js', json: 'json.worker.js', graphql: 'graphql.worker.js' };
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>VICTORI GraphiQL</title>
    <link rel="icon" href="${GRAPHIQL_ASSETS}/favicon.ico" />
    <link rel="stylesheet" href="${GRAPHIQL_ASSETS}/graphiql.css" />
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>GraphiQL needs JavaScript.</noscript>
    <div id="root"></div>
    <script>
      const workers = ${escapeScript(JSON.stringify(workers))};
      self.MonacoEnvironment = { globalAPI: false, getWorkerUrl: (_id, label) => '${GRAPHIQL_ASSETS}/' + workers[label] };
    </script>
    <script src="${GRAPHIQL_ASSETS}/graphiql.js"></script>
    <script>
      YogaGraphiQL.renderYogaGraphiQL(document.querySelector('#root'), ${escapeScript(JSON.stringify(options))});
    </script>
  </body>
</html>
`;
}

/** Apollo's landing page hook: GET / or /graphql from a browser (Accept: text/html). */
export function graphiqlLandingPage(): ApolloServerPlugin<BaseContext> {
  const html = graphiqlPage();
  return {
    async serverWillStart() {
      return {
        async renderLandingPage() {
          return { html };
        },
      };
    },
  };
}

/** The page's scripts, styles, workers and icon (routes of the gateway's HTTP server). */
export function graphiqlRoutes(): Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>> {
  const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => Promise<void>> = {};
  for (const [name, file] of Object.entries(FILES)) {
    routes[`${GRAPHIQL_ASSETS}/${name}`] = async (_req, res) => {
      const body = file.pick(await load());
      res.writeHead(200, { 'content-type': file.type, 'content-length': Buffer.byteLength(body), 'cache-control': 'public, max-age=3600' });
      res.end(body);
    };
  }
  routes[`${GRAPHIQL_ASSETS}/favicon.ico`] = async (_req, res) => {
    const [meta, data] = (await load()).favicon.split(',', 2);
    const icon = Buffer.from(data ?? '', 'base64');
    res.writeHead(200, { 'content-type': /^data:([^;]+)/.exec(meta ?? '')?.[1] ?? 'image/x-icon', 'content-length': icon.length });
    res.end(icon);
  };
  return routes;
}
