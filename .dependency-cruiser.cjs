/**
 * The layers of DESIGN.md, checked on every `npm run lint` (dependency-cruiser). Each rule names
 * the layer table's line it enforces. Type-only imports count too, except where a rule says so.
 */
// Matched on resolved paths: the packages stay in the graph (not excluded), just not followed.
const NODE_ONLY_PACKAGES = '(^|/)node_modules/(better-sqlite3|sharp|piscina|@hono/node-server)/';

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'Imports point down only: a cycle means two modules are one layer that pretends to be two.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'pipeline-is-pure',
      comment: 'src/pipeline imports nothing of ours outside itself; from wasm/ only types (modules are passed in).',
      severity: 'error',
      from: { path: '^src/pipeline/' },
      to: { path: '^(src/(?!pipeline/)|workers/|web/)' },
    },
    {
      name: 'pipeline-wasm-types-only',
      comment: 'The pipeline is handed its WASM modules; it may name their types, never load them.',
      severity: 'error',
      from: { path: '^src/pipeline/' },
      to: { path: '^wasm/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-node-in-shared-layers',
      comment: 'pipeline, services, routes and http run unchanged in a Worker: no Node built-ins, no Node-only packages.',
      severity: 'error',
      from: { path: '^src/(pipeline|services|routes|http|domain)/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'no-node-packages-in-shared-layers',
      comment: 'better-sqlite3, sharp, piscina and the Node server adapter belong to src/node and the repositories.',
      severity: 'error',
      from: { path: '^src/(pipeline|services|routes|http|domain)/' },
      to: { path: NODE_ONLY_PACKAGES, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'workers-root-stays-portable',
      comment: 'src/worker.ts (the Workers composition root) runs in workerd: nothing it reaches may need Node-only packages or src/node.',
      severity: 'error',
      from: { path: '^src/worker\\.ts$' },
      to: { path: [NODE_ONLY_PACKAGES, '^src/node/'], reachable: true },
    },
    {
      name: 'routes-call-services',
      comment: 'Routes import services, src/http and the shared vocabulary in src/domain only: no repositories, db, jobs or adapters.',
      severity: 'error',
      from: { path: '^src/routes/' },
      to: { path: '^(src/(?!(routes|services|http|domain)/)|workers/|wasm/)' },
    },
    {
      name: 'repositories-below-services',
      comment: 'Repositories are the IO layer under the services; services own the interfaces they implement.',
      severity: 'error',
      from: { path: '^src/repositories/' },
      to: { path: '^src/(services|routes|http|jobs)/' },
    },
    {
      name: 'services-below-jobs',
      comment: 'src/jobs (queue, runner, worker protocol) drives the services; services never reach back into it.',
      severity: 'error',
      from: { path: '^src/services/' },
      to: { path: '^src/jobs/' },
    },
    {
      name: 'domain-is-the-bottom',
      comment: 'src/domain is the vocabulary every layer shares (error codes, ids, ports): it imports only the pipeline error codes.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^(src/(?!(domain|pipeline)/)|workers/|wasm/|web/)' },
    },
    {
      name: 'services-below-routes',
      comment: 'Services know nothing of HTTP routing.',
      severity: 'error',
      from: { path: '^src/services/' },
      to: { path: '^src/(routes|http)/' },
    },
    {
      name: 'web-talks-http-only',
      comment: 'The web app and widget reach the service through the HTTP API, not its modules.',
      severity: 'error',
      from: { path: '^web/', pathNot: '^web/app/text/text-model\\.worker\\.ts$' },
      to: { path: '^(src|workers|wasm)/' },
    },
    {
      name: 'text-preview-runs-the-pure-pipeline',
      comment:
        "The text preview's worker runs the server's text pipeline in the browser (preview = result by construction): src/pipeline only, which is pure.",
      severity: 'error',
      from: { path: '^web/app/text/text-model\\.worker\\.ts$' },
      to: { path: '^(src/(?!pipeline/)|workers/|wasm/)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Our build output only: packages' own dist/ folders hold their entry points and must stay visible.
    exclude: { path: '^(web/)?dist/|^web/widget/dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.json'],
    },
  },
};
