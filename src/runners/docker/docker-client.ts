import type Docker from 'dockerode';
import { createRequire } from 'node:module';

// Loaded on first use: dockerode and its dependencies (ssh2, gRPC, protobufjs) take ~35 MB
// resident, and an orchestrator that never starts a local run never needs them.
const requireDockerode = () => createRequire(import.meta.url)('dockerode') as typeof Docker;

/**
 * An Engine API client for DOCKER_HOST as the docker CLI reads it: `unix:///path/docker.sock`,
 * `tcp://host:2375` (or `http://`/`https://`), or unset for /var/run/docker.sock.
 * Throws an Error naming DOCKER_HOST for any other form.
 */
export function dockerClient(dockerHost: string | undefined): Docker {
  const Docker = requireDockerode();
  if (!dockerHost) return new Docker({ socketPath: '/var/run/docker.sock' });
  if (dockerHost.startsWith('unix://')) return new Docker({ socketPath: dockerHost.slice('unix://'.length) });
  const match = /^(tcp|http|https):\/\/([^/:]+):(\d+)\/?$/.exec(dockerHost);
  if (!match) {
    throw new Error(`DOCKER_HOST=${dockerHost} is not unix:///path/to/docker.sock or tcp://host:port`);
  }
  const [, scheme, host, port] = match;
  return new Docker({ protocol: scheme === 'https' ? 'https' : 'http', host, port: Number(port) });
}
