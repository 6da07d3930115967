import { z } from 'zod';
import type { RouteDescription } from './describe-route.ts';

const SOURCE = z.enum(['built-in', 'override', 'additive']);

/** `GET /api/pipelines-steps` and `GET /api/customizations` (pipeline-routes.ts, CONTRACTS.md §10). */
export const PIPELINE_ROUTES: RouteDescription[] = [
  {
    method: 'get',
    path: '/api/pipelines-steps',
    tag: 'Pipelines',
    summary: 'Pipeline definitions and step modules with their override status',
    ok: {
      200: {
        description: 'Each pipeline (source path, built-in or custom, its steps) and each step module',
        schema: z
          .object({
            pipelines: z.array(
              z
                .object({
                  name: z.string(),
                  source: SOURCE,
                  path: z.string(),
                  steps: z.array(z.object({ id: z.string(), name: z.string() }).strict()),
                })
                .strict(),
            ),
            steps: z.array(
              z
                .object({
                  id: z.string(),
                  builtInPath: z.string().nullable(),
                  customPath: z.string().nullable(),
                  status: SOURCE,
                })
                .strict(),
            ),
          })
          .strict(),
      },
    },
  },
  {
    method: 'get',
    path: '/api/customizations',
    tag: 'Pipelines',
    summary: 'Files under custom/ and the built-ins they override',
    ok: {
      200: {
        description: 'Every file under custom/ with its category, status and the built-in path it shadows',
        schema: z
          .object({
            files: z.array(
              z
                .object({
                  path: z.string(),
                  category: z.enum(['pipeline', 'step', 'provider', 'other']),
                  status: z.enum(['override', 'additive', 'other']),
                  shadows: z.string().nullable(),
                })
                .strict(),
            ),
          })
          .strict(),
      },
    },
  },
];
