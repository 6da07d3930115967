import type { EventSummary } from '../event-summary.ts';

const TONE: Record<EventSummary['tone'], { icon: string; color: 'Good' | 'Attention' | 'Warning' }> = {
  good: { icon: '✅', color: 'Good' },
  attention: { icon: '❌', color: 'Attention' },
  warning: { icon: '🚨', color: 'Warning' },
};

/** The body a Teams Workflows webhook ("Send webhook alerts to a channel") posts as a card. */
export interface TeamsMessage {
  type: 'message';
  attachments: {
    contentType: 'application/vnd.microsoft.card.adaptive';
    contentUrl: null;
    content: AdaptiveCard;
  }[];
}

interface AdaptiveCard {
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
  type: 'AdaptiveCard';
  version: '1.4';
  body: Record<string, unknown>[];
  actions?: { type: 'Action.OpenUrl'; title: string; url: string }[];
  msteams: { width: 'Full' };
}

/**
 * The webhook body for `summary`: one Adaptive Card 1.4 in a `message` envelope, as Microsoft
 * documents for Teams webhooks
 * (https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using#send-adaptive-cards-using-an-incoming-webhook)
 * with elements of the schema explorer (https://adaptivecards.io/explorer/). User text (titles,
 * errors) goes into RichTextBlock TextRuns, which render text literally ("Markdown is not
 * supported"); fact values, which Teams reads as Markdown, are escaped.
 */
export function buildTeamsMessage(summary: EventSummary): TeamsMessage {
  const tone = TONE[summary.tone];
  const body: Record<string, unknown>[] = [
    {
      type: 'TextBlock',
      text: `${tone.icon} ${summary.headline}`,
      weight: 'Bolder',
      size: 'Medium',
      color: tone.color,
      wrap: true,
    },
  ];
  if (summary.issue) {
    body.push({
      type: 'RichTextBlock',
      inlines: [
        { type: 'TextRun', text: summary.issue.identifier, weight: 'Bolder' },
        { type: 'TextRun', text: ` ${summary.issue.title}` },
      ],
    });
  }
  if (summary.facts.length > 0) {
    body.push({
      type: 'FactSet',
      facts: summary.facts.map((fact) => ({ title: fact.label, value: escapeMarkdown(fact.value) })),
    });
  }
  if (summary.detail) {
    body.push(
      { type: 'TextBlock', text: summary.detail.label, weight: 'Bolder', wrap: true, spacing: 'Medium' },
      {
        type: 'RichTextBlock',
        inlines: [{ type: 'TextRun', text: summary.detail.text, fontType: 'Monospace' }],
      },
    );
  }
  const card: AdaptiveCard = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body,
    // Cards default to a narrow bubble in channels; alerts read better full width.
    msteams: { width: 'Full' },
  };
  if (summary.links.length > 0) {
    card.actions = summary.links.map((link) => ({
      type: 'Action.OpenUrl',
      title: link.label,
      url: link.url,
    }));
  }
  return {
    type: 'message',
    attachments: [
      { contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card },
    ],
  };
}

/**
 * Backslash-escapes the Markdown that Adaptive Cards interpret (bold, italic, links, lists:
 * https://learn.microsoft.com/adaptive-cards/authoring-cards/text-features), so `my_repo_name`
 * is not italicised.
 */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\*_[\]()`~#]/g, '\\$&').replace(/^(\s*)([-+]|\d+\.)(\s)/, '$1\\$2$3');
}
