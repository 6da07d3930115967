import { z } from 'zod';

/**
 * `POST /runner/question` (progress token; issue 21): the agent's question for a person.
 * `key` names it within the run (`implement-1`): the same key again is the same question.
 */
export const RunQuestionSchema = z
  .object({
    key: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[A-Za-z0-9_.:-]+$/, 'question keys use letters, digits and . _ : -'),
    pass: z.string().min(1).max(100),
    question: z.string().trim().min(1).max(8_000),
  })
  .strict();

export type RunQuestion = z.output<typeof RunQuestionSchema>;

/** `POST /runner/answer` (progress token): is there a reply to this question yet? */
export const AnswerPollSchema = z.object({ questionId: z.string().min(1).max(100) }).strict();
