import http from 'node:http';

/**
 * One POST on a connection of its own (no keep-alive pool), as a webhook sender makes: a pooled
 * socket to a receiver that restarted in between would fail the next request. Resolves with the
 * status and the body as text; rejects on a connection error.
 */
export function postOnce(
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}
