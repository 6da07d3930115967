import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The agent's questions to a person (seed 001 `sessionMode`; issue 21). Claude Code runs headless
 * (`-p`), so it cannot stop mid-turn and wait: instead it is told to end its answer with the
 * question inside `<ai-implement-question>` tags when it needs a person. The runner finds the
 * tag in the pass's final answer, asks the orchestrator to put the question where the person is
 * (the Linear agent session, else a ticket comment), waits for the reply, and resumes the same
 * Claude Code session (`--resume <session id>`) with the reply as the next prompt. The two modes
 * differ only in what the agent is told: interactive asks at decision points, hybrid only when
 * it is uncertain. docs/decisions/tracker-webhooks.md says why.
 */

export const QUESTION_TAG = 'ai-implement-question';

/** Questions one pass may ask; after that it is told to decide itself. */
export const MAX_QUESTIONS_PER_PASS = 3;

/** Longest question posted (Linear and Jira take far more; a question is read by a person). */
const MAX_QUESTION_CHARS = 4_000;

export type SessionMode = 'interactive' | 'hybrid';

const HOW_TO_ASK = `To ask, end your answer with the question between <${QUESTION_TAG}> and </${QUESTION_TAG}> tags — what you need decided, the options you see and the one you would pick — and stop there: do not make the change you are asking about in the same answer. The person's reply comes back to you as the next message of this conversation, and you continue from where you stopped. Ask one question at a time, only things the ticket, the code and the repository's conventions do not settle.`;

/** The instructions appended to a pass's prompt in `mode`. */
export function questionInstructions(mode: SessionMode): string {
  const when =
    mode === 'interactive'
      ? 'This session is interactive: a person on the ticket answers your questions while the run waits. Pause at each decision point — before you settle an approach the ticket leaves open, a public interface, a data format or a dependency to add, and before any change larger than the ticket suggests — and ask for their choice.'
      : 'This session is hybrid: work autonomously and decide yourself wherever a sensible engineer would. Ask a person only when you are genuinely uncertain — the ticket can be read in ways that lead to different changes, or a wrong guess would waste the work — and nothing in the code settles it.';
  return `## Questions for a person\n\n${when}\n\n${HOW_TO_ASK}`;
}

/**
 * The question in a pass's final answer: the text of the last `<ai-implement-question>` tag,
 * trimmed and cut to 4,000 characters; undefined without one (or an empty one). Hybrid mode asks
 * exactly when this finds a question: the tag is how the agent signals its uncertainty.
 */
export function questionIn(answer: string): string | undefined {
  const pattern = new RegExp(`<${QUESTION_TAG}>([\\s\\S]*?)</${QUESTION_TAG}>`, 'gi');
  const matches = [...answer.matchAll(pattern)];
  const question = matches.at(-1)?.[1]?.trim();
  if (!question) return undefined;
  return question.length > MAX_QUESTION_CHARS ? `${question.slice(0, MAX_QUESTION_CHARS - 1)}…` : question;
}

/** The prompt that resumes the session with a person's reply. */
export function answerPrompt(answer: string, by: string | undefined): string {
  return `${by ? `${by} answered` : 'The answer'} to your question:\n\n${answer.trim()}\n\nContinue the task with this answer.`;
}

/** The prompt that resumes a session whose pass asked more than it may. */
export const NO_MORE_QUESTIONS =
  'No more questions can be asked in this run. Decide the open points yourself, say in your answer what you decided and why, and finish the task.';

/** A person's reply, as the orchestrator hands it over. */
export interface Answer {
  answer: string;
  /** Who answered, as the tracker names them, when known. */
  by?: string;
}

/**
 * Polls `poll` every `intervalMs` until it returns an answer or `deadline` (epoch ms) passes;
 * undefined when the deadline came first. A poll that throws counts as no answer yet (the
 * orchestrator may be restarting); `now` and `wait` are for tests.
 */
export async function waitForAnswer(options: {
  poll: () => Promise<Answer | undefined>;
  deadline: number;
  intervalMs: number;
  now?: () => number;
  wait?: (ms: number) => Promise<unknown>;
  onPollError?: (error: unknown) => void;
}): Promise<Answer | undefined> {
  const now = options.now ?? Date.now;
  const wait = options.wait ?? sleep;
  for (;;) {
    try {
      const answer = await options.poll();
      if (answer) return answer;
    } catch (error) {
      options.onPollError?.(error);
    }
    const left = options.deadline - now();
    if (left <= 0) return undefined;
    await wait(Math.min(options.intervalMs, left));
  }
}
