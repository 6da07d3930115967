import { Hono } from 'hono';
import type { Catalog } from '../../pipeline/catalog.ts';
import { customFiles, pipelinesStepsView } from '../../pipeline/customizations.ts';

/**
 * `GET /api/pipelines-steps` → `{ pipelines: [{ name, source, path, steps: [{ id, name }] }],
 * steps: [{ id, builtInPath, customPath, status }] }` and `GET /api/customizations` →
 * `{ files: [{ path, category, status, shadows }] }` (CONTRACTS.md §10). Both read the built-ins
 * and custom/ on each request, so a file added since start-up shows (a custom TypeScript module
 * changed since start-up needs a restart to reload; docs/decisions/pipelines.md).
 */
export function pipelineRoutes(catalog: () => Promise<Catalog>): Hono {
  const app = new Hono();
  app.get('/api/pipelines-steps', async (c) => c.json(pipelinesStepsView(await catalog())));
  app.get('/api/customizations', async (c) =>
    c.json({
      files: customFiles(await catalog()).map(({ path, category, status, shadows }) => ({
        path,
        category,
        status,
        shadows,
      })),
    }),
  );
  return app;
}
