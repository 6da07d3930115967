import { randomUUID } from 'node:crypto';

/**
 * The stream-json messages Claude Code prints with `-p --output-format stream-json --verbose`,
 * shaped like those of the real CLI (captured from @anthropic-ai/claude-code 2.1.197 in
 * test/runner/fixtures/claude-code-2.1.197-stream.jsonl): `system`/`init`, `assistant` messages
 * with `text` and `tool_use` blocks, `user` messages with `tool_result`s, and one `result`.
 */

export interface StreamSession {
  sessionId: string;
  model: string;
  cwd: string;
  permissionMode: string;
  tools: string[];
}

const usage = (input: number, output: number, cacheRead = 0) => ({
  input_tokens: input,
  output_tokens: output,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: cacheRead,
});

let messageCount = 0;

export function initMessage(session: StreamSession, apiKeySource: string): object {
  return {
    type: 'system',
    subtype: 'init',
    cwd: session.cwd,
    session_id: session.sessionId,
    tools: session.tools,
    mcp_servers: [],
    model: session.model,
    permissionMode: session.permissionMode,
    slash_commands: [],
    apiKeySource,
    claude_code_version: '2.1.197-stand-in',
    output_style: 'default',
    agents: [],
    skills: [],
    plugins: [],
    uuid: randomUUID(),
  };
}

function assistant(session: StreamSession, content: object[]): object {
  messageCount += 1;
  return {
    type: 'assistant',
    message: {
      id: `msg_standin_${messageCount}`,
      type: 'message',
      role: 'assistant',
      model: session.model,
      content,
      stop_reason: null,
      stop_sequence: null,
      usage: usage(100, 1),
      context_management: null,
    },
    parent_tool_use_id: null,
    session_id: session.sessionId,
    uuid: randomUUID(),
  };
}

export function textMessage(session: StreamSession, text: string): object {
  return assistant(session, [{ type: 'text', text }]);
}

export function toolUseMessage(session: StreamSession, id: string, name: string, input: object): object {
  return assistant(session, [{ type: 'tool_use', id, name, input }]);
}

export function toolResultMessage(
  session: StreamSession,
  id: string,
  content: string,
  isError = false,
): object {
  return {
    type: 'user',
    message: {
      role: 'user',
      content: [{ tool_use_id: id, type: 'tool_result', content, ...(isError ? { is_error: true } : {}) }],
    },
    parent_tool_use_id: null,
    session_id: session.sessionId,
    uuid: randomUUID(),
    timestamp: new Date().toISOString(),
  };
}

export interface ResultInput {
  subtype: string;
  text: string | undefined;
  turns: number;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens?: number;
  durationMs: number;
  denials: object[];
}

export function resultMessage(session: StreamSession, input: ResultInput): object {
  const isError = input.subtype !== 'success';
  return {
    type: 'result',
    subtype: input.subtype,
    is_error: isError,
    api_error_status: null,
    duration_ms: input.durationMs,
    duration_api_ms: Math.round(input.durationMs / 2),
    num_turns: input.turns,
    ...(input.text === undefined ? {} : { result: input.text }),
    stop_reason: isError ? 'tool_use' : 'end_turn',
    session_id: session.sessionId,
    total_cost_usd: input.costUsd,
    usage: {
      ...usage(input.inputTokens, input.outputTokens, input.cacheReadTokens),
      server_tool_use: { web_search_requests: 0, web_fetch_requests: 0 },
      service_tier: 'standard',
    },
    modelUsage: {
      [session.model]: {
        inputTokens: input.inputTokens,
        outputTokens: input.outputTokens,
        cacheReadInputTokens: input.cacheReadTokens ?? 0,
        cacheCreationInputTokens: 0,
        webSearchRequests: 0,
        costUSD: input.costUsd,
      },
    },
    permission_denials: input.denials,
    terminal_reason: isError
      ? input.subtype === 'error_max_budget_usd'
        ? 'max_budget'
        : 'max_turns'
      : 'completed',
    uuid: randomUUID(),
  };
}
