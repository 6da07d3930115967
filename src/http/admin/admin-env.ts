/** The signed-in admin session as pages see it: the token (never rendered) and its CSRF token. */
export interface AdminSession {
  token: string;
  csrf: string;
}

/** Hono environment of the admin pages: the session checked by the page middleware. */
export interface AdminEnv {
  Variables: { session: AdminSession };
}
