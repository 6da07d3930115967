import type {
  BudgetAlert,
  NotificationEvent,
  NotificationLabels,
  NotifiedIssue,
  NotifiedRun,
} from './types.ts';

/**
 * A notification in neutral form, rendered by each notifier in its own markup. `headline`,
 * fact labels and link labels are ours; `issue.title`, fact values, `detail.text` and
 * `plainText` carry user or remote text (ticket titles, error messages) that each renderer
 * escapes for its format. User text is already cut to a size every format accepts.
 */
export interface EventSummary {
  tone: 'good' | 'attention' | 'warning';
  headline: string;
  issue: NotifiedIssue | undefined;
  facts: { label: string; value: string }[];
  detail: { label: string; text: string } | undefined;
  /** http(s) links only. */
  links: { label: string; url: string }[];
  /** One line for notification previews and clients without rich rendering; unescaped. */
  plainText: string;
}

/** A ticket title fits a line; Slack header and Teams cards stay readable well below their limits. */
const TITLE_MAX = 200;
/** Enough of an error to act on; keeps Slack sections (3000) and Teams cards (28 KB) far from their limits. */
const DETAIL_MAX = 1500;
const FACT_MAX = 150;

/** Builds the neutral summary of `event`, labelled with the tenant when configured. */
export function summarizeEvent(event: NotificationEvent, labels: NotificationLabels): EventSummary {
  const summary =
    event.type === 'reaper_alert'
      ? summarizeReaper(event)
      : event.type === 'budget_alert'
        ? summarizeBudget(event)
        : summarizeRun(event);
  const tenantFacts = [
    ...(labels.clientSlug ? [{ label: 'Client', value: clip(oneLine(labels.clientSlug), FACT_MAX) }] : []),
    ...(labels.flyAppName ? [{ label: 'Fly app', value: clip(oneLine(labels.flyAppName), FACT_MAX) }] : []),
  ];
  const tenant = labels.clientSlug ?? labels.flyAppName;
  const subject = summary.issue ? `: ${summary.issue.identifier} ${summary.issue.title}` : '';
  return {
    ...summary,
    facts: [...summary.facts, ...tenantFacts],
    plainText: `${tenant ? `[${clip(oneLine(tenant), FACT_MAX)}] ` : ''}${summary.headline}${subject}`,
  };
}

type PartialSummary = Omit<EventSummary, 'plainText'>;

function summarizeRun(
  event: Exclude<NotificationEvent, { type: 'reaper_alert' } | { type: 'budget_alert' }>,
): PartialSummary {
  const issue = {
    identifier: clip(oneLine(event.issue.identifier), FACT_MAX),
    title: clip(oneLine(event.issue.title), TITLE_MAX),
    url: event.issue.url,
  };
  const links = [{ label: `Open ${issue.identifier}`, url: event.issue.url }];
  const cost =
    event.type === 'run_finished' && event.costUsd !== undefined
      ? [{ label: 'Cost', value: `$${event.costUsd.toFixed(2)}` }]
      : [];
  const base = { issue, facts: [...runFacts(event), ...cost], detail: undefined };
  switch (event.type) {
    case 'dispatch_succeeded':
      return { ...base, tone: 'good', headline: `Dispatched ${event.phase} run`, links: httpOnly(links) };
    case 'dispatch_failed':
      return {
        ...base,
        tone: 'attention',
        headline: `Could not dispatch ${event.phase} run`,
        detail: { label: 'Error', text: clip(event.error, DETAIL_MAX) },
        links: httpOnly(links),
      };
    case 'run_finished': {
      const phase = capitalize(event.phase);
      if (event.result.status === 'success') {
        const pr = event.result.prUrl ? [{ label: 'Open pull request', url: event.result.prUrl }] : [];
        return {
          ...base,
          tone: 'good',
          headline: `${phase} run succeeded`,
          links: httpOnly([...pr, ...links]),
        };
      }
      return {
        ...base,
        tone: 'attention',
        headline: `${phase} run failed`,
        detail: { label: 'Error', text: clip(event.result.error, DETAIL_MAX) },
        links: httpOnly(links),
      };
    }
  }
}

function runFacts(run: NotifiedRun): { label: string; value: string }[] {
  return [
    { label: 'Repository', value: clip(oneLine(run.repo), FACT_MAX) },
    { label: 'Phase', value: run.phase },
    { label: 'Dispatch', value: `#${run.dispatchNumber}` },
    { label: 'Runner', value: clip(oneLine(run.runnerMode), FACT_MAX) },
  ];
}

function summarizeReaper(event: Extract<NotificationEvent, { type: 'reaper_alert' }>): PartialSummary {
  const machines = event.destroyedCount === 1 ? 'machine' : 'machines';
  const headline = event.dryRun
    ? `Reaper would have destroyed ${event.destroyedCount} ${machines} in the last ${event.windowHours} h (dry run)`
    : `Reaper destroyed ${event.destroyedCount} ${machines} in the last ${event.windowHours} h`;
  return {
    tone: 'warning',
    headline,
    issue: undefined,
    facts: [
      { label: event.dryRun ? 'Would destroy' : 'Destroyed', value: String(event.destroyedCount) },
      { label: 'Alert threshold', value: String(event.threshold) },
    ],
    detail: {
      label: 'Why',
      text: 'More destructions than REAPER_ALERT_THRESHOLD can mean a runaway reaper rule; check the Reaper panel.',
    },
    links: [],
  };
}

function summarizeBudget(event: BudgetAlert): PartialSummary {
  const which = event.teamKey
    ? `${event.teamKey}'s ${event.period} budget`
    : `the global ${event.period} budget`;
  const spent = `$${event.spentUsd.toFixed(2)} of $${event.budgetUsd.toFixed(2)}`;
  const full = event.thresholdPercent >= 100;
  return {
    tone: full ? 'attention' : 'warning',
    headline: full
      ? `Spend reached ${which}: new runs wait until ${event.resetsAt}`
      : `Spend passed ${event.thresholdPercent} % of ${which}`,
    issue: undefined,
    facts: [
      { label: 'Spent', value: spent },
      { label: 'Resets', value: event.resetsAt },
      ...(event.teamKey ? [{ label: 'Team', value: clip(oneLine(event.teamKey), FACT_MAX) }] : []),
    ],
    detail: full
      ? {
          label: 'What happens',
          text: 'Tickets of this budget get a budget blocker until it resets; raise the budget on the mapping (or GLOBAL_MONTHLY_BUDGET_USD) to let them run now.',
        }
      : undefined,
    links: [],
  };
}

/** Cuts `text` to at most `max` characters, marking the cut. */
export function clip(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** Titles and labels on one line, without control characters. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function httpOnly(links: { label: string; url: string }[]): { label: string; url: string }[] {
  return links.filter((link) => {
    const protocol = URL.parse(link.url)?.protocol;
    return protocol === 'https:' || protocol === 'http:';
  });
}
