import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findProgram, run, type DockerEngine } from './docker-engine.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * Where the base image's tarball is kept between runs: AI_IMPLEMENT_TEST_CACHE, else
 * /var/cache/ai-implement-test when it can be written, else a directory in the OS temp dir.
 */
export function testCacheDir(): string {
  const candidates = [
    process.env.AI_IMPLEMENT_TEST_CACHE,
    '/var/cache/ai-implement-test',
    path.join(os.tmpdir(), 'ai-implement-test-cache'),
  ].filter((dir): dir is string => Boolean(dir));
  for (const dir of candidates) {
    try {
      fs.mkdirSync(dir, { recursive: true });
      fs.accessSync(dir, fs.constants.W_OK);
      return dir;
    } catch {
      // next
    }
  }
  throw new Error(`no writable cache directory among ${candidates.join(', ')}`);
}

/** The Node 24 binary the project installs (the `node` package), as the base image's Node. */
function projectNode(): { binary: string; version: string } {
  const binary = fs.realpathSync(path.join(ROOT, 'node_modules/.bin/node'));
  const version = execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
  if (!version.startsWith('v24.')) throw new Error(`${binary} is Node ${version}, not 24`);
  return { binary, version };
}

/**
 * A stand-in for `node:24-bookworm-slim`, which no registry here serves (ARCHITECTURE.md "Real
 * Docker"): Debian bookworm from `debootstrap --variant=minbase` with ca-certificates, Node 24
 * from the project's `node` package and npm 11 (`npm pack npm@11`) under /usr/local as in the
 * official image, and this machine's CA bundle (its registry traffic is TLS-inspected). The
 * root file system's tarball is cached (`testCacheDir`) per Node version, so only the first run
 * on a machine pays for debootstrap (~30 s); each run imports it into its fresh engine.
 * Resolves with the image name.
 */
export async function ensureBaseImage(engine: DockerEngine): Promise<string> {
  const node = projectNode();
  const tarball = path.join(testCacheDir(), `base-bookworm-node${node.version}-npm11.tar`);
  if (!fs.existsSync(tarball)) await buildBaseTarball(node.binary, tarball);
  const name = `ai-implement-test-base:node${node.version.slice(1)}`;
  // A kept engine (AI_IMPLEMENT_TEST_DOCKER_HOST) has it already: importing again would make a
  // new image id and miss the build cache.
  if (
    await engine.api
      .getImage(name)
      .inspect()
      .then(
        () => true,
        () => false,
      )
  )
    return name;
  await run(
    findProgram('docker') ?? 'docker',
    [
      'import',
      '--change',
      'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      '--change',
      'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt',
      tarball,
      name,
    ],
    { env: { PATH: process.env.PATH, HOME: process.env.HOME, DOCKER_HOST: engine.host } },
  );
  return name;
}

async function buildBaseTarball(nodeBinary: string, tarball: string): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'aii-rootfs-'));
  const rootfs = path.join(work, 'rootfs');
  try {
    const mirror = process.env.DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
    await run(findProgram('debootstrap') ?? 'debootstrap', [
      '--variant=minbase',
      '--include=ca-certificates',
      'bookworm',
      rootfs,
      mirror,
    ]);
    fs.copyFileSync(nodeBinary, path.join(rootfs, 'usr/local/bin/node'));
    fs.chmodSync(path.join(rootfs, 'usr/local/bin/node'), 0o755);
    const packed = (await run('npm', ['pack', 'npm@11', '--silent', '--pack-destination', work]))
      .trim()
      .split('\n')
      .pop()!;
    const npmDir = path.join(rootfs, 'usr/local/lib/node_modules/npm');
    fs.mkdirSync(npmDir, { recursive: true });
    await run('tar', ['-xzf', path.join(work, packed), '-C', npmDir, '--strip-components=1']);
    fs.symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', path.join(rootfs, 'usr/local/bin/npm'));
    fs.symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', path.join(rootfs, 'usr/local/bin/npx'));
    // The machine's bundle, which holds the inspecting proxy's CA as well as the public ones.
    fs.copyFileSync(
      '/etc/ssl/certs/ca-certificates.crt',
      path.join(rootfs, 'etc/ssl/certs/ca-certificates.crt'),
    );
    for (const dir of ['var/lib/apt/lists', 'var/cache/apt/archives']) {
      for (const entry of fs.readdirSync(path.join(rootfs, dir))) {
        if (entry.endsWith('.deb') || entry.includes('_dists_')) fs.rmSync(path.join(rootfs, dir, entry));
      }
    }
    const partial = `${tarball}.${process.pid}.partial`;
    await run('tar', ['-C', rootfs, '-cf', partial, '.']);
    fs.renameSync(partial, tarball);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Builds `dockerfile` (relative to the repository) as `tag` with the classic builder on the host
 * network, BASE_IMAGE set to `baseImage` (ARCHITECTURE.md "Real Docker"). `context` defaults to
 * the repository root. Rejects with the build's last lines.
 */
export async function buildImage(
  engine: DockerEngine,
  options: { dockerfile: string; tag: string; baseImage?: string; context?: string },
): Promise<void> {
  await engine.docker(
    [
      'build',
      '--network',
      'host',
      ...(options.baseImage ? ['--build-arg', `BASE_IMAGE=${options.baseImage}`] : []),
      '-f',
      path.resolve(options.context ?? ROOT, options.dockerfile),
      '-t',
      options.tag,
      options.context ?? ROOT,
    ],
    { env: { DOCKER_BUILDKIT: '0' } },
  );
}

/** An image's size in MB (as `docker images` counts it). */
export async function imageSizeMb(engine: DockerEngine, tag: string): Promise<number> {
  const info = await engine.api.getImage(tag).inspect();
  return Math.round(info.Size / 1_000_000);
}
