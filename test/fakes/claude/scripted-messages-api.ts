import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

/**
 * A scripted Anthropic Messages API on 127.0.0.1, for running the real Claude Code CLI in tests
 * (`ANTHROPIC_BASE_URL`). `POST /v1/messages` is checked against the API's request rules
 * (https://docs.anthropic.com/en/api/messages: `x-api-key` and `anthropic-version` headers;
 * `model`, `max_tokens`, `messages` alternating from `user`) and answered by the test's `respond`
 * function — as server-sent events when `stream` is true
 * (https://docs.anthropic.com/en/api/messages-streaming), as one JSON message otherwise. Requests
 * that break the rules get Anthropic's 400/401 error shape and are recorded in `violations`.
 */
export interface MessagesRequest {
  model: string;
  system: string;
  messages: { role: 'user' | 'assistant'; content: string | ContentBlock[] }[];
  tools: { name: string }[];
  stream: boolean;
}

export type ContentBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> }
  | { type: 'tool_result'; tool_use_id: string; content: unknown }
  | { type: string; [key: string]: unknown };

export interface ScriptedReply {
  content: (
    | { type: 'text'; text: string }
    | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> }
  )[];
  usage?: { input_tokens: number; output_tokens: number };
}

export interface ScriptedMessagesApi {
  readonly url: string;
  readonly requests: MessagesRequest[];
  readonly violations: string[];
  close(): Promise<void>;
}

const RequestSchema = z.object({
  model: z.string().min(1),
  max_tokens: z.number().int().positive(),
  messages: z
    .array(
      z.object({
        role: z.enum(['user', 'assistant']),
        content: z.union([z.string(), z.array(z.looseObject({ type: z.string() }))]),
      }),
    )
    .min(1),
  system: z
    .union([z.string(), z.array(z.looseObject({ type: z.literal('text'), text: z.string() }))])
    .optional(),
  tools: z.array(z.looseObject({ name: z.string() })).optional(),
  stream: z.boolean().optional(),
});

/** The text of a message's content (text blocks joined). */
export function textOf(content: string | ContentBlock[]): string {
  if (typeof content === 'string') return content;
  return content
    .map((block) => (block.type === 'text' ? String((block as { text: string }).text) : ''))
    .join('\n');
}

export async function startScriptedMessagesApi(options: {
  apiKey: string;
  respond: (request: MessagesRequest) => ScriptedReply;
}): Promise<ScriptedMessagesApi> {
  const requests: MessagesRequest[] = [];
  const violations: string[] = [];
  let count = 0;

  function fail(res: ServerResponse, status: number, type: string, message: string) {
    violations.push(`${status} ${message}`);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ type: 'error', error: { type, message } }));
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'HEAD' || (req.method === 'GET' && url.pathname === '/')) {
      res.writeHead(200).end();
      return;
    }
    if (req.method !== 'POST' || !url.pathname.startsWith('/v1/messages')) {
      fail(res, 404, 'not_found_error', `no route ${req.method} ${url.pathname}`);
      return;
    }
    if (req.headers['x-api-key'] !== options.apiKey) {
      fail(res, 401, 'authentication_error', 'invalid x-api-key');
      return;
    }
    if (!req.headers['anthropic-version']) {
      fail(res, 400, 'invalid_request_error', 'anthropic-version: header is required');
      return;
    }
    const parsed = RequestSchema.safeParse(JSON.parse(raw || '{}'));
    if (url.pathname === '/v1/messages/count_tokens') {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ input_tokens: raw.length >> 2 }));
      return;
    }
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      fail(res, 400, 'invalid_request_error', `${issue?.path.join('.')}: ${issue?.message}`);
      return;
    }
    const body = parsed.data;
    if (
      body.messages[0]?.role !== 'user' ||
      body.messages.some((m, i) => i > 0 && m.role === body.messages[i - 1]?.role)
    ) {
      fail(res, 400, 'invalid_request_error', 'messages: roles must alternate, starting with user');
      return;
    }
    const request: MessagesRequest = {
      model: body.model,
      system:
        typeof body.system === 'string'
          ? body.system
          : (body.system ?? []).map((block) => block.text).join('\n'),
      messages: body.messages as MessagesRequest['messages'],
      tools: (body.tools ?? []).map((tool) => ({ name: tool.name })),
      stream: body.stream ?? false,
    };
    requests.push(request);
    const reply = options.respond(request);
    count += 1;
    const stop = reply.content.some((block) => block.type === 'tool_use') ? 'tool_use' : 'end_turn';
    const usage = reply.usage ?? { input_tokens: 1_000, output_tokens: 100 };
    const message = {
      id: `msg_scripted_${count}`,
      type: 'message',
      role: 'assistant',
      model: body.model,
      stop_sequence: null,
    };
    if (!request.stream) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ...message, content: reply.content, stop_reason: stop, usage }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const send = (event: string, data: object) =>
      res.write(`event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`);
    send('message_start', {
      message: {
        ...message,
        content: [],
        stop_reason: null,
        usage: { input_tokens: usage.input_tokens, output_tokens: 1 },
      },
    });
    reply.content.forEach((block, index) => {
      if (block.type === 'text') {
        send('content_block_start', { index, content_block: { type: 'text', text: '' } });
        send('content_block_delta', { index, delta: { type: 'text_delta', text: block.text } });
      } else {
        send('content_block_start', {
          index,
          content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
        });
        send('content_block_delta', {
          index,
          delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) },
        });
      }
      send('content_block_stop', { index });
    });
    send('message_delta', {
      delta: { stop_reason: stop, stop_sequence: null },
      usage: { output_tokens: usage.output_tokens },
    });
    send('message_stop', {});
    res.end();
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => fail(res, 500, 'api_error', String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    violations,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
