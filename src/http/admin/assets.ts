import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Hono } from 'hono';
import { PROJECT_ROOT } from '../../config/project-root.ts';

/**
 * The admin UI's static files (two stylesheets, two small scripts), read once at start-up and
 * served from memory. No build step: the files in `assets/` are what the browser gets. URLs
 * carry a content hash (`?v=…`), so browsers may cache them for a year and still see a change
 * after an upgrade.
 */

interface Asset {
  body: string;
  type: string;
  version: string;
}

const ASSETS_DIR = path.join(PROJECT_ROOT, 'src/http/admin/assets');

const FILES: Record<string, string> = {
  'admin.css': 'text/css; charset=utf-8',
  'admin-forms.css': 'text/css; charset=utf-8',
  'admin.js': 'text/javascript; charset=utf-8',
  'stepper.js': 'text/javascript; charset=utf-8',
};

const assets = new Map<string, Asset>(
  Object.entries(FILES).map(([name, type]) => {
    const body = fs.readFileSync(path.join(ASSETS_DIR, name), 'utf8');
    const version = createHash('sha256').update(body).digest('hex').slice(0, 12);
    return [name, { body, type, version }];
  }),
);

/** The versioned URL of an asset, e.g. `/admin/assets/admin.css?v=3f2a…`. */
export function assetUrl(name: keyof typeof FILES & string): string {
  const asset = assets.get(name);
  if (!asset) throw new Error(`unknown admin asset ${name}`);
  return `/admin/assets/${name}?v=${asset.version}`;
}

/** `GET /admin/assets/:name`: public (the sign-in page needs them), no data in them. */
export function assetRoutes(): Hono {
  const app = new Hono();
  app.get('/admin/assets/:name', (c) => {
    const asset = assets.get(c.req.param('name'));
    if (!asset) return c.json({ error: 'not_found', message: 'no such asset' }, 404);
    c.header('Content-Type', asset.type);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header(
      'Cache-Control',
      c.req.query('v') === asset.version ? 'public, max-age=31536000, immutable' : 'no-cache',
    );
    return c.body(asset.body);
  });
  return app;
}
