import type { IncomingWebhookSendArguments } from '@slack/webhook';
import type { EventSummary } from '../event-summary.ts';

/** Section text may hold 3000 characters; leave room for the label and the fences. */
const DETAIL_BLOCK_MAX = 2900;

const TONE_EMOJI: Record<EventSummary['tone'], string> = {
  good: ':white_check_mark:',
  attention: ':x:',
  warning: ':rotating_light:',
};

/**
 * The Incoming Webhook body for `summary`: `text` (shown in notifications and by clients without
 * Block Kit) plus a few blocks — https://api.slack.com/messaging/webhooks
 * and https://api.slack.com/reference/block-kit/blocks#section (section text ≤ 3000
 * characters, ≤ 10 fields of ≤ 2000). Every piece of user text goes through `escapeMrkdwn`.
 */
export function buildSlackMessage(summary: EventSummary): IncomingWebhookSendArguments {
  const heading = `${TONE_EMOJI[summary.tone]} *${escapeMrkdwn(summary.headline)}*`;
  const subject = summary.issue
    ? `\n${slackLink(summary.issue.url, summary.issue.identifier)} ${escapeMrkdwn(summary.issue.title)}`
    : '';
  const blocks: NonNullable<IncomingWebhookSendArguments['blocks']> = [
    { type: 'section', text: { type: 'mrkdwn', text: `${heading}${subject}` } },
  ];
  if (summary.facts.length > 0) {
    blocks.push({
      type: 'section',
      fields: summary.facts.slice(0, 10).map((fact) => ({
        type: 'mrkdwn' as const,
        text: `*${fact.label}*\n${escapeMrkdwn(fact.value)}`,
      })),
    });
  }
  if (summary.detail) {
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*${summary.detail.label}*\n\`\`\`${escapeCodeBlock(summary.detail.text, DETAIL_BLOCK_MAX)}\`\`\``,
      },
    });
  }
  if (summary.links.length > 0) {
    // Links rather than buttons: URL buttons on an app without interactivity show an error on click.
    blocks.push({
      type: 'context',
      elements: [
        { type: 'mrkdwn', text: summary.links.map((link) => slackLink(link.url, link.label)).join('  ·  ') },
      ],
    });
  }
  return { text: escapeMrkdwn(summary.plainText), blocks };
}

/**
 * Slack's three control characters, escaped as Slack asks
 * (https://api.slack.com/reference/surfaces/formatting#escaping): this also stops
 * ticket titles from mentioning `<!channel>` or faking links.
 */
function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Escaped text for a code block, cut so the escaped form (entities are up to 5 characters per
 * input character) fits `max`; a user's ``` would end the block early, so it is defused.
 */
function escapeCodeBlock(text: string, max: number): string {
  let escaped = '';
  for (const char of text.replace(/```/g, "'''")) {
    const piece = escapeMrkdwn(char);
    if (escaped.length + piece.length > max - 1) return `${escaped}…`;
    escaped += piece;
  }
  return escaped;
}

/** `<url|label>`; `|`, `<` and `>` in the URL would end the link, so they are percent-encoded. */
function slackLink(url: string, label: string): string {
  const safeUrl = url.replace(/[|<>]/g, (char) => encodeURIComponent(char));
  return `<${safeUrl}|${escapeMrkdwn(label)}>`;
}
