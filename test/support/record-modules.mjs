// Preloaded with `node --import` (NODE_OPTIONS) by tests that check which modules a process
// loads: appends the URL of every module it loads, `import` or `require`, to the file named by
// RECORD_MODULES_FILE, one a line, as it loads (nothing to flush: a killed process keeps its
// list). Plain .mjs so the recording itself loads no type stripper. module.registerHooks is
// Node ≥ 22.15; on an older Node (npm's own process may run on one) it records nothing.
import fs from 'node:fs';
import module from 'node:module';

const file = process.env.RECORD_MODULES_FILE;
if (file && typeof module.registerHooks === 'function') {
  module.registerHooks({
    load(url, context, nextLoad) {
      fs.appendFileSync(file, `${url}\n`);
      return nextLoad(url, context);
    },
  });
}
