import { GraphQLError } from 'graphql';

/**
 * Error bodies shaped like Linear's. Linear puts a machine-readable `code` and the SDK-facing
 * `type` in `extensions` (the SDK maps `type` onto its LinearError subclasses); shapes follow
 * live responses of api.linear.app and https://linear.app/developers/rate-limiting.
 */
export interface LinearErrorExtensions {
  code: string;
  type: string;
  userPresentableMessage?: string;
  statusCode?: number;
}

/** A resolver-level error with Linear's extensions. */
export function linearError(message: string, extensions: LinearErrorExtensions): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, userError: true } });
}

export interface ErrorResponse {
  status: number;
  body: { errors: object[]; data?: null };
}

/** A missing or wrong `Authorization` header: Linear answers 401 with this body. */
export function authenticationError(): ErrorResponse {
  return {
    status: 401,
    body: {
      errors: [
        {
          message: 'Authentication required, not authenticated',
          extensions: {
            type: 'authentication error',
            code: 'AUTHENTICATION_ERROR',
            statusCode: 401,
            userError: true,
            userPresentableMessage: 'You need to authenticate to access this operation.',
          },
        },
      ],
    },
  };
}

/** A document that does not parse or validate against the schema: HTTP 400. */
export function validationError(messages: string[]): ErrorResponse {
  return {
    status: 400,
    body: {
      errors: messages.map((message) => ({
        message,
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED', type: 'graphql error', userError: true },
      })),
    },
  };
}

/**
 * A rate-limited request. Linear documents HTTP 400 with `extensions.code: RATELIMITED`; tests
 * also inject 200 and 429 with the same body, which clients must treat alike.
 */
export function rateLimitedError(status: number): ErrorResponse {
  return {
    status,
    body: {
      errors: [
        {
          message: 'Rate limit exceeded',
          extensions: {
            type: 'ratelimited',
            code: 'RATELIMITED',
            statusCode: 429,
            userError: true,
            userPresentableMessage: 'Rate limit exceeded. Please try again later.',
          },
        },
      ],
    },
  };
}

/**
 * A query over Linear's per-query complexity cap (10,000 points). Linear documents that such
 * queries are always rejected, not the exact body; this one is non-retryable on purpose.
 */
export function complexityError(complexity: number, limit: number): ErrorResponse {
  return {
    status: 400,
    body: {
      errors: [
        {
          message: `Query too complex: complexity ${complexity} exceeds the maximum of ${limit}`,
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED', type: 'graphql error', userError: true },
        },
      ],
    },
  };
}

export function internalServerError(): ErrorResponse {
  return {
    status: 500,
    body: {
      errors: [
        {
          message: 'Internal server error',
          extensions: { code: 'INTERNAL_SERVER_ERROR', type: 'internal error' },
        },
      ],
    },
  };
}
