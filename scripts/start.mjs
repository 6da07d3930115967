// `npm start`: the orchestrator from its bundle (scripts/bundle.mjs), or from src/ when the
// bundle cannot be built here (no dev dependencies installed).
import { bundledEntry } from './bundle.mjs';

const entry = bundledEntry();
if (entry) {
  await import(entry);
} else {
  console.error('rolldown is not installed: running src/main.ts with type stripping (more memory)');
  await import('../src/main.ts');
}
