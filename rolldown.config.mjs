// The orchestrator's bundle (scripts/bundle.mjs passes --dir). Packages stay external: they
// are loaded from node_modules as they are, only the product's own modules are joined.
export default {
  input: 'src/main.ts',
  platform: 'node',
  external: (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('@oxc-project/runtime'),
  output: { format: 'esm', entryFileNames: 'main.mjs' },
};
