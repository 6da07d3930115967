import { html } from 'hono/html';
import { openApiDocument } from '../../api/openapi/openapi-document.ts';
import type { PanelContent } from '../layout.ts';
import { section } from '../render-helpers.ts';

interface Operation {
  tags?: string[];
  summary?: string;
  description?: string;
  security?: unknown[];
  parameters?: { name: string; in: string; required?: boolean; description?: string }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
}

/**
 * API reference (Developer group; issue 16): every route of `GET /api/openapi.json` rendered
 * on the server from the same document, grouped by tag — method, path, parameters, the body's
 * and each answer's schema (folded). No client framework and nothing fetched from elsewhere.
 */
export function apiReferencePanel(): PanelContent {
  const document = openApiDocument();
  const byTag = new Map<string, { method: string; path: string; operation: Operation }[]>();
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(item as Record<string, Operation>)) {
      const tag = operation.tags?.[0] ?? 'Other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), { method, path, operation }]);
    }
  }
  const schemas = document.components?.schemas ?? {};
  const body = html`<p class="muted">
      The same description as JSON: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI
      ${document.openapi}). Send <code>Authorization: Bearer &lt;token&gt;</code> with the token
      <code>POST /api/auth</code> answers.
    </p>
    ${[...byTag].map(([tag, routes]) =>
      section(
        tag,
        html`${routes.map(({ method, path, operation }) => operationBlock(method, path, operation))}`,
        `api-${tag}`,
      ),
    )}
    ${section(
      'Schemas',
      html`${Object.entries(schemas).map(
        ([name, schema]) =>
          html`<details id="schema-${name}">
            <summary><code>${name}</code></summary>
            <pre>${JSON.stringify(schema, null, 2)}</pre>
          </details>`,
      )}`,
      'api-schemas',
    )}`;
  return {
    title: 'API reference',
    lead: 'Every /api route: what it takes and what it answers (OpenAPI 3.1).',
    body,
  };
}

function operationBlock(method: string, path: string, operation: Operation) {
  const parameters = operation.parameters ?? [];
  const requestSchema = operation.requestBody?.content['application/json']?.schema;
  return html`<article class="api-operation" data-operation="${method.toUpperCase()} ${path}">
    <h3><code>${method.toUpperCase()} ${path}</code></h3>
    <p>
      ${operation.summary ?? ''}${operation.security?.length === 0 ? html` <em>(own authentication)</em>` : ''}
    </p>
    ${operation.description ? html`<p class="muted">${operation.description}</p>` : ''}
    ${
      parameters.length > 0
        ? html`<p>
            Parameters:
            ${parameters.map(
              (p, index) =>
                html`${index > 0 ? ', ' : ''}<code>${p.name}</code>
                  (${p.in}${p.required ? ', required' : ''})`,
            )}
          </p>`
        : ''
    }
    ${requestSchema ? schemaDetails('Body', requestSchema) : ''}
    <ul>
      ${Object.entries(operation.responses).map(([status, answer]) => {
        const schema = answer.content ? Object.values(answer.content)[0]?.schema : undefined;
        return html`<li>
          <strong>${status}</strong> ${answer.description} ${schema ? schemaDetails('Schema', schema) : ''}
        </li>`;
      })}
    </ul>
  </article>`;
}

function schemaDetails(label: string, schema: unknown) {
  return html`<details>
    <summary>${label}</summary>
    <pre>${JSON.stringify(schema, null, 2)}</pre>
  </details>`;
}
