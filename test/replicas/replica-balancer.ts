import http from 'node:http';
import type { AddressInfo } from 'node:net';

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
  const forward = (port: number, request: http.IncomingMessage, body: Buffer) =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const upstream = http.request(
        { host: '127.0.0.1', port, method: request.method, path: request.url, headers: request.headers },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 502,
              headers: response.headers,
              body: Buffer.concat(chunks),
            }),
          );
          response.on('error', reject);
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        for (let tried = 0; tried < ports.length; tried += 1) {
          const port = ports[next++ % ports.length]!;
          try {
            const answer = await forward(port, request, body);
            const headers = { ...answer.headers };
            delete headers['transfer-encoding'];
            delete headers.connection;
            response.writeHead(answer.status, headers);
            response.end(answer.body);
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
