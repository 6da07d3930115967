import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/http/app.ts';
import { createHarness, type Harness } from '../support/orchestrator-harness.ts';
import { launchChromium, screenshot, serveApp, signedInPage, type watchPage } from './browser-support.ts';

/**
 * The Pipelines & steps and Customizations panels in a real browser, over a custom directory
 * with a step override, an added step and pipeline, and a pipeline with a problem.
 */

const CODE = 'pipelines-browser-code';
let h: Harness;
let customDir: string;
let server: Awaited<ReturnType<typeof serveApp>>;
let browser: Browser;
let page: Page;
let seen: ReturnType<typeof watchPage>;

beforeAll(async () => {
  h = await createHarness();
  h.advance(Date.now() - h.ctx.clock().getTime());
  customDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-implement-custom-'));
  const files: Record<string, string> = {
    'README.md': '# ours\n',
    'steps/verify.ts': 'export default { run: async () => {} };\n',
    'steps/write-changelog.ts':
      "export default { description: 'Adds a CHANGELOG line', run: async () => {} };\n",
    'pipelines/implementation-with-changelog.yml':
      'result: pull-request\nsteps:\n  - step: checkout\n  - step: write-changelog\n    name: Add a CHANGELOG line\n  - step: commit-push\n',
    'pipelines/broken.yml': 'result: summary\nsteps:\n  - step: checkout\n  - step: security-scan\n',
  };
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(customDir, name)), { recursive: true });
    fs.writeFileSync(path.join(customDir, name), text);
  }
  await h.addMapping({ teamKey: 'ENG', pipelines: { implementation: 'implementation-with-changelog' } });
  server = await serveApp(
    createHttpApp({ orchestrator: h.ctx, adminAccessCode: CODE, statusChecks: async () => [], customDir }),
  );
  browser = await launchChromium();
  ({ page, seen } = await signedInPage(browser, {
    url: server.url,
    code: CODE,
    width: 1280,
    height: 900,
    path: '/admin/pipelines-steps',
    heading: 'Pipelines & steps',
  }));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await h?.close();
  fs.rmSync(customDir, { recursive: true, force: true });
});

describe('Pipelines & steps', () => {
  it('shows each pipeline as collapsible details with its steps, the modules with their status, and problems', async () => {
    const implementation = page.locator('details[data-pipeline="implementation"]');
    await expect.poll(() => implementation.getAttribute('open')).toBeNull();
    await implementation.locator('summary').click();
    await expect.poll(() => implementation.getAttribute('open')).toBe('');
    const text = await implementation.innerText();
    expect(text).toContain('src/pipeline/implementation.yml');
    expect(text).toMatch(
      /Implement, verify, review\s*\(repeated up to maxIterations times until verifyPassed and reviewApproved\)/,
    );
    expect(text).toContain('Review pass review (when maxIterations > 0)');

    const added = page.locator('details[data-pipeline="implementation-with-changelog"]');
    await added.locator('summary').click();
    expect(await added.innerText()).toContain('Add a CHANGELOG line write-changelog');
    expect(await added.locator('summary').innerText()).toContain('additive');

    const modules = page.getByRole('region', { name: 'Step modules' });
    const row = async (id: string) =>
      (
        await modules
          .getByRole('row')
          .filter({ has: page.locator('td:first-child > code', { hasText: new RegExp(`^${id}$`) }) })
          .first()
          .innerText()
      ).replace(/\s+/g, ' ');
    expect(await row('verify')).toContain('src/runner/steps/verify.ts custom/steps/verify.ts override');
    expect(await row('write-changelog')).toContain('— custom/steps/write-changelog.ts additive');
    expect(await row('checkout')).toContain('src/runner/steps/checkout.ts — built-in');

    expect(await page.getByRole('alert').innerText()).toContain(
      'custom/pipelines/broken.yml:4: unknown step module "security-scan"',
    );
    await screenshot(page, 'pipelines-steps', true);
  });
});

describe('Customizations', () => {
  it('lists every file under custom/ with category, status, what it shadows, size and time', async () => {
    await page.goto(`${server.url}/admin/customizations`);
    await page.getByRole('heading', { level: 1, name: 'Customizations' }).waitFor();
    const rows = (await page.getByRole('row').allInnerTexts()).map((text) =>
      text.replace(/\s+/g, ' ').trim(),
    );
    expect(rows[0]).toBe('Path Category Status Shadows Size Modified');
    expect(rows.slice(1).map((r) => r.split(' ').slice(0, 4).join(' '))).toEqual([
      'custom/pipelines/broken.yml pipeline additive —',
      'custom/pipelines/implementation-with-changelog.yml pipeline additive —',
      'custom/README.md other — —',
      'custom/steps/verify.ts step override src/runner/steps/verify.ts',
      'custom/steps/write-changelog.ts step additive —',
    ]);
    expect(rows[4]).toMatch(/ \d+ B /);
    await screenshot(page, 'customizations', true);
    expect(seen.errors).toEqual([]);
  });
});

describe('the project stepper', () => {
  it('shows and keeps a project’s pipelines per phase when it is edited', async () => {
    await page.goto(`${server.url}/admin/projects/ENG/edit`);
    const field = page.getByLabel('Pipelines per phase');
    expect(await field.inputValue()).toBe('implementation=implementation-with-changelog');
  });
});
