import http from 'node:http';

/** An upstream's whole answer, read into memory (test traffic is small). */
export interface ForwardedAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/**
 * Sends `request` (its method, path and headers, with `body` read already) to `host:port` and
 * resolves with the whole answer; rejects with the socket error (ECONNREFUSED, ECONNRESET, …).
 * For the test proxies (test/fault/fault-proxy.ts, test/replicas/replica-balancer.ts).
 */
export function forwardRequest(
  target: { host: string; port: number | string },
  request: http.IncomingMessage,
  body: Buffer,
  headers: http.OutgoingHttpHeaders = request.headers,
): Promise<ForwardedAnswer> {
  return new Promise((resolve, reject) => {
    const upstream = http.request(
      { host: target.host, port: target.port, method: request.method, path: request.url, headers },
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
}

/** Writes `answer` to `response`, without the hop-by-hop and length headers of the upstream's. */
export function relayAnswer(response: http.ServerResponse, answer: ForwardedAnswer): void {
  const headers = { ...answer.headers };
  delete headers['transfer-encoding'];
  delete headers['content-length'];
  delete headers.connection;
  response.writeHead(answer.status, headers);
  response.end(answer.body);
}
