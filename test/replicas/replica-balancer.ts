import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { forwardRequest, relayAnswer } from '../support/http-forward.ts';

/**
 * The one URL in front of the replicas, as a platform load balancer (Fly's proxy) is: each request
 * goes to the next replica in turn; one that refuses the connection (killed, restarting) is
 * skipped for the next. A replica that dies after taking the request answers nothing: the caller
 * sees a reset and retries, as runners and trackers do.
 */
export interface ReplicaBalancer {
  url: string;
  /** The replicas' ports, in rotation order. */
  setPorts(ports: number[]): void;
  close(): Promise<void>;
}

export async function startReplicaBalancer(): Promise<ReplicaBalancer> {
  let ports: number[] = [];
  let next = 0;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        for (let tried = 0; tried < ports.length; tried += 1) {
          const port = ports[next++ % ports.length]!;
          try {
            relayAnswer(response, await forwardRequest({ host: '127.0.0.1', port }, request, body));
            return;
          } catch (error) {
            // Refused: not listening, try the next. Anything else: the request may have been taken.
            if ((error as NodeJS.ErrnoException).code !== 'ECONNREFUSED') break;
          }
        }
        response.destroy();
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setPorts: (list) => void (ports = [...list]),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
