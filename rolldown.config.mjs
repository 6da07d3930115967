// The orchestrator's bundle (scripts/bundle.mjs passes --dir). Packages stay external: they
// are loaded from node_modules as they are, only the product's own modules are joined — except
// INLINED_PACKAGES, whose used parts are joined into the bundle (tree-shaken): jira.js/cloud
// loads all of its ~1,500 modules (every endpoint and its zod models, ~40 MB resident) when the
// product calls ~15 of them (~0.1 MB bundled, ~3 MB resident); docs/decisions/tick-at-scale.md,
// "Memory". scripts/bundle.mjs hashes their package.json, so a new version rebuilds the bundle.
export const INLINED_PACKAGES = ['jira.js'];

const inlined = (id) => INLINED_PACKAGES.some((name) => id === name || id.startsWith(`${name}/`));

export default {
  input: 'src/main.ts',
  platform: 'node',
  external: (id) =>
    !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('@oxc-project/runtime') && !inlined(id),
  output: { format: 'esm', entryFileNames: 'main.mjs' },
};
