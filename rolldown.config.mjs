// The orchestrator's bundle (scripts/bundle.mjs passes --dir). Packages stay external: they
// are loaded from node_modules as they are, only the product's own modules are joined — except
// INLINED_PACKAGES, whose used parts are joined into the bundle (tree-shaken): jira.js/cloud
// loads all of its ~1,500 modules (every endpoint and its zod models, ~40 MB resident) when the
// product calls ~15 of them (~0.1 MB bundled, ~3 MB resident); docs/decisions/tick-at-scale.md,
// "Memory". scripts/bundle.mjs hashes their package.json, so a new version rebuilds the bundle.
// @linear/sdk likewise: the product uses its GraphQL client, errors and webhook verification
// (~50 KB), not the ~1,300 generated documents and models of `LinearClient` (3.2 MB of code).
export const INLINED_PACKAGES = ['jira.js', '@linear/sdk'];

/** Linear's generated documents are `new TypedDocumentString(…)` at module level, unannotated. */
const LINEAR_SDK = /[\\/]node_modules[\\/]@linear[\\/]sdk[\\/]/;

const inlined = (id) => INLINED_PACKAGES.some((name) => id === name || id.startsWith(`${name}/`));

export default {
  input: 'src/main.ts',
  platform: 'node',
  external: (id) =>
    !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('@oxc-project/runtime') && !inlined(id),
  // The SDK's modules have no side effects the product relies on, and a document nobody sends
  // is dead code: without this every one of them would be kept.
  treeshake: {
    manualPureFunctions: ['TypedDocumentString'],
    moduleSideEffects: (id) => (LINEAR_SDK.test(id) ? false : undefined),
  },
  output: { format: 'esm', entryFileNames: 'main.mjs' },
};
