/** The demo's client of the orchestrator's admin JSON API: signs in with the access code once. */
export async function adminSession(url: string, code: string) {
  const auth = await fetch(`${url}/api/auth`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code }),
  });
  if (!auth.ok) throw new Error(`POST /api/auth answered ${auth.status}: ${await auth.text()}`);
  const { token } = (await auth.json()) as { token: string };
  return async <T>(method: string, route: string, body?: unknown): Promise<T> => {
    const response = await fetch(url + route, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok)
      throw new Error(`${method} ${route} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  };
}

export type AdminApi = Awaited<ReturnType<typeof adminSession>>;
