// @ts-check
/**
 * The architecture as rules (../shared/DESIGN.md, "Layout"): which folder may import which. `make test`
 * runs `npm run deps`, so an import against the arrows fails the build. Type-only imports count too,
 * except where a rule says so (workflows see activities and connectors through their types only).
 * Unit tests beside the code may also use test/support/.
 */
const notTest = '\\.test\\.ts$';
const io = ['^(node:)?(fs|fs/promises|net|http|https|child_process|worker_threads|dns|dgram|tls|readline|cluster)$', '^(pg|pg-copy-streams|kafkajs|ibm_db|pino|@duckdb/|@google-cloud/|@temporalio/)'];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'contracts-are-the-bottom',
      comment: 'contracts/ is the contract language: it imports zod and nothing of the project.',
      severity: 'error',
      from: { path: '^contracts/' },
      to: { path: '^(core|domains|connectors|activities|workflows|workers|cli|serving|bench|test|scripts)/' },
    },
    {
      name: 'domains-import-contracts-and-core',
      comment: 'domains/ declares the 12 domains over the contract language and core helpers.',
      severity: 'error',
      from: { path: '^domains/', pathNot: notTest },
      to: { path: '^(connectors|activities|workflows|workers|cli|serving|bench|scripts)/' },
    },
    {
      name: 'core-is-pure',
      comment: 'core/ is pure shared code: it imports contracts/ only — no domains, no connectors, no Temporal, no I/O.',
      severity: 'error',
      from: { path: '^core/', pathNot: notTest },
      to: { path: '^(domains|connectors|activities|workflows|workers|cli|serving|bench|test|scripts)/' },
    },
    {
      name: 'core-has-no-io',
      comment: 'core/ does no I/O and knows nothing of Temporal: those belong to connectors/, activities/ and workflows/.',
      severity: 'error',
      from: { path: '^core/', pathNot: notTest },
      to: { dependencyTypes: ['core', 'npm', 'npm-dev', 'npm-optional'], path: io },
    },
    {
      name: 'connectors-import-core-and-contracts',
      comment: 'A connector adapts one external system; it never reaches up into domains, activities, workflows, workers or the CLI.',
      severity: 'error',
      from: { path: '^connectors/', pathNot: notTest },
      to: { path: '^(domains|activities|workflows|workers|cli|serving|bench|test|scripts)/' },
    },
    {
      name: 'no-connector-imports-another',
      comment: 'A connector never imports another connector: what two share lives in core/. The warehouse and source ports are interfaces every adapter implements.',
      severity: 'error',
      from: { path: '^connectors/([^/]+)/' },
      to: { path: '^connectors/', pathNot: ['^connectors/$1/', '^connectors/warehouse/[^/]*port[^/]*\\.ts$', '^connectors/source/port\\.ts$'] },
    },
    {
      name: 'activities-wrap-connectors',
      comment: 'activities/ are thin wrappers over connectors/; they know workflows only through their API, and the loaded contracts through the registry the worker injects (lookups by name), never a domain declaration.',
      severity: 'error',
      from: { path: '^activities/', pathNot: notTest },
      to: { path: '^(domains|workers|cli|serving|bench|test|scripts)/|^workflows/(?!api/)', pathNot: '^domains/(registry|products|errors)\\.ts$' },
    },
    {
      name: 'workflows-stay-deterministic',
      comment: 'Workflow code runs in the sandbox: it imports core/, contracts/, workflows/ and activity or connector types only.',
      severity: 'error',
      from: { path: '^workflows/', pathNot: notTest },
      to: { path: '^(domains|workers|cli|serving|bench|test|scripts)/' },
    },
    {
      name: 'workflows-see-io-as-types-only',
      comment: 'Workflows import activities (and the port types they pass) as types only: `import type`.',
      severity: 'error',
      from: { path: '^workflows/', pathNot: notTest },
      to: { path: '^(activities|connectors)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'workflows-do-no-io',
      comment: 'No Node I/O modules and no I/O clients in workflow code.',
      severity: 'error',
      from: { path: '^workflows/', pathNot: notTest },
      to: { dependencyTypes: ['core', 'npm', 'npm-dev', 'npm-optional'], path: io, pathNot: '^@temporalio/(workflow|common)' },
    },
    {
      name: 'workflow-api-is-light',
      comment: 'workflows/api/ is imported by the CLI, serving and tests: types and message definitions only.',
      severity: 'error',
      from: { path: '^workflows/api/', pathNot: notTest },
      to: { path: '^workflows/(?!api/)', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'serving-uses-the-workflow-api',
      comment: 'serving/ reaches workflows through workflows/api/ only.',
      severity: 'error',
      from: { path: '^serving/', pathNot: notTest },
      to: { path: '^(activities|workers|cli|bench|test|scripts)/|^workflows/(?!api/)' },
    },
    {
      name: 'cli-uses-the-workflow-api',
      comment: 'The CLI starts and talks to workflows through workflows/api/, never their internals.',
      severity: 'error',
      from: { path: '^cli/', pathNot: notTest },
      to: { path: '^(bench|test|scripts)/|^workflows/(?!api/)' },
    },
    {
      name: 'workers-and-tools-are-not-imported',
      comment: 'workers/, cli/, bench/ and scripts/ are entry points: library code never imports them.',
      severity: 'error',
      from: { path: '^(contracts|core|domains|connectors|activities|workflows|serving)/' },
      to: { path: '^(workers|cli|bench|scripts)/' },
    },
    {
      name: 'tests-are-not-imported-by-product-code',
      comment: 'Test helpers (test/, *.test.ts) are for tests only (and the scripts that record test histories).',
      severity: 'error',
      from: { pathNot: ['^test/', '^bench/', '^scripts/record-', notTest] },
      to: { path: ['^test/', notTest] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|\\.stack|\\.scratch|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.json'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
