import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MappingInputSchema } from '../../src/domain/mapping.ts';
import type { DispatchRequest } from '../../src/runners/types.ts';
import { containerEnvironment, CONTAINER_WORKDIR } from '../../src/runners/docker/container-env.ts';
import {
  checkDockerEngine,
  containerName,
  hostConfig,
  toDockerError,
} from '../../src/runners/docker/docker-backend.ts';
import { dockerClient } from '../../src/runners/docker/docker-client.ts';
import { generateTestAppKeyPair } from '../fakes/github/test-keys.ts';

/**
 * The pieces of the local Docker backend that need no engine: what a run container gets and the
 * start-up check. test/docker/containers.test.ts runs the backend on a real engine.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');

function request(): DispatchRequest {
  const mapping = MappingInputSchema.parse({
    teamKey: 'ENG',
    owner: 'acme',
    repo: 'app',
    defaultBranch: 'main',
    machineCpus: 3,
    machineMemoryMb: 2048,
  });
  return {
    mapping,
    phase: 'implementation',
    workflowFile: 'claude-implement.yml',
    payload: {
      version: 1,
      dispatchId: '0b5e3c1a-7f0e-4f55-9a51-2d4a1c0de111',
      phase: 'implementation',
      issue: {
        id: 'i1',
        identifier: 'ENG-12',
        title: 'T',
        description: 'D',
        url: 'https://x/ENG-12',
        provider: 'linear',
      },
      provider: { name: 'anthropic' },
      callback: { url: 'https://orchestrator.example.com', resultToken: 'r', progressToken: 'p' },
    },
  };
}

describe('a run container', () => {
  it('gets the payload and the run credentials, no host paths and none of the orchestrator’s own secrets', () => {
    const env = containerEnvironment(
      {
        baseEnv: {
          PATH: '/host/bin',
          TMPDIR: '/host/tmp',
          HTTPS_PROXY: 'http://proxy:3128',
          LANG: 'C.UTF-8',
        },
        githubApiUrl: 'https://api.github.com',
        claude: { oauthToken: 'oauth-token' },
        linear: { apiKey: 'lin_api_key', apiUrl: 'https://api.linear.app/graphql' },
      },
      request(),
      'installation-token',
    );
    expect(env).toMatchObject({
      AI_IMPLEMENT_WORKDIR: CONTAINER_WORKDIR,
      GITHUB_TOKEN: 'installation-token',
      GITHUB_REPOSITORY: 'acme/app',
      GITHUB_SERVER_URL: 'https://github.com',
      CLAUDE_CODE_OAUTH_TOKEN: 'oauth-token',
      LINEAR_API_KEY: 'lin_api_key',
      HTTPS_PROXY: 'http://proxy:3128',
      LANG: 'C.UTF-8',
    });
    for (const name of ['PATH', 'HOME', 'TMPDIR', 'GITHUB_APP_PRIVATE_KEY', 'RUNNER_TOKEN_SECRET']) {
      expect(env).not.toHaveProperty(name);
    }
    expect(JSON.parse(env.AI_IMPLEMENT_PAYLOAD!)).toMatchObject({ dispatchId: request().payload.dispatchId });
  });

  it('is named after the issue and dispatch, on the host network, with the mapping’s CPUs and memory and few capabilities', () => {
    expect(containerName('ENG-12', '0b5e3c1a-7f0e-4f55-9a51-2d4a1c0de111')).toBe(
      'ai-implement-eng-12-0b5e3c1a7f0e',
    );
    expect(containerName('acme/app#7', 'abc')).toBe('ai-implement-acme-app-7-abc');
    const config = hostConfig(request().mapping);
    expect(config).toMatchObject({
      NetworkMode: 'host',
      NanoCpus: 3_000_000_000,
      Memory: 2048 * 1024 * 1024,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
    });
    expect(config.CapAdd).not.toContain('SYS_ADMIN');
    expect(config.CapAdd).not.toContain('NET_ADMIN');
  });

  it('maps Engine API failures to integration errors', () => {
    expect(toDockerError(Object.assign(new Error('x'), { statusCode: 404 }), 'find it').category).toBe(
      'not_found',
    );
    expect(toDockerError(Object.assign(new Error('x'), { statusCode: 500 }), 'find it').category).toBe(
      'transient',
    );
    expect(toDockerError(new Error('connect ENOENT'), 'find it').category).toBe('transient');
    expect(toDockerError(Object.assign(new Error('x'), { statusCode: 400 }), 'find it').message).toBe(
      'Docker could not find it: x',
    );
  });
});

/** The client's connection settings (docker-modem keeps them; its types do not say so). */
function modem(client: ReturnType<typeof dockerClient>): { socketPath?: string; port?: number } {
  return client.modem as unknown as { socketPath?: string; port?: number };
}

describe('DOCKER_HOST', () => {
  it('accepts unix sockets and tcp addresses and names the variable otherwise', () => {
    expect(modem(dockerClient('unix:///run/docker.sock')).socketPath).toBe('/run/docker.sock');
    expect(modem(dockerClient('tcp://127.0.0.1:2375')).port).toBe(2375);
    expect(() => dockerClient('ssh://me@host')).toThrow(/DOCKER_HOST=ssh:\/\/me@host/);
  });

  it('says how to start an engine when none answers', async () => {
    const socket = path.join(os.tmpdir(), 'no-docker-here.sock');
    await expect(checkDockerEngine(dockerClient(`unix://${socket}`), `unix://${socket}`)).rejects.toThrow(
      new RegExp(`no Docker Engine answers at DOCKER_HOST=unix://${socket}.*apt-get install -y docker.io`),
    );
  });

  it('stops start-up with RUNNER_MODE=local when no engine answers, naming DOCKER_HOST', async () => {
    const keys = generateTestAppKeyPair();
    const child = spawn(process.execPath, [path.join(ROOT, 'src/main.ts')], {
      cwd: os.tmpdir(),
      env: {
        PATH: process.env.PATH,
        GITHUB_APP_ID: '1',
        GITHUB_APP_PRIVATE_KEY: keys.privateKey.trim().replace(/\n/g, '\\n'),
        RUNNER_MODE: 'local',
        ANTHROPIC_API_KEY: 'sk-ant-not-used',
        DOCKER_HOST: 'unix:///nonexistent/docker.sock',
        DEDUP_DB_PATH: ':memory:',
        PORT: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(code, output).toBe(1);
    expect(output).toContain('AI-Implement cannot start:');
    expect(output).toContain('DOCKER_HOST=unix:///nonexistent/docker.sock');
  });
});
