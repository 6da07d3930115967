/**
 * Checks a Teams webhook body against what Microsoft documents: the `message` envelope
 * (https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using#send-adaptive-cards-using-an-incoming-webhook)
 * and, for each element used, the required properties and enum values of the Adaptive Cards
 * schema explorer (https://adaptivecards.io/explorer/), up to version 1.4. Returns the problems
 * found, empty when the body is valid.
 */
export function validateTeamsMessage(body: unknown): string[] {
  const problems: string[] = [];
  const envelope = asObject(body);
  if (envelope?.type !== 'message') problems.push('type must be "message"');
  const attachments = envelope?.attachments;
  if (!Array.isArray(attachments) || attachments.length === 0)
    return [...problems, 'attachments must be a non-empty array'];
  attachments.forEach((attachment, index) => {
    const item = asObject(attachment);
    const at = `attachments[${index}]`;
    if (item?.contentType !== 'application/vnd.microsoft.card.adaptive')
      problems.push(`${at}.contentType is wrong`);
    problems.push(...validateCard(item?.content, `${at}.content`));
  });
  return problems;
}

const VERSIONS = ['1.0', '1.1', '1.2', '1.3', '1.4'];
const COLORS = ['Default', 'Dark', 'Light', 'Accent', 'Good', 'Warning', 'Attention'];
const WEIGHTS = ['Default', 'Lighter', 'Bolder'];
const SIZES = ['Default', 'Small', 'Medium', 'Large', 'ExtraLarge'];
const SPACINGS = ['Default', 'None', 'Small', 'Medium', 'Large', 'ExtraLarge', 'Padding'];
const FONT_TYPES = ['Default', 'Monospace'];

function validateCard(value: unknown, at: string): string[] {
  const card = asObject(value);
  if (card === undefined) return [`${at} must be an object`];
  const problems: string[] = [];
  if (card.type !== 'AdaptiveCard') problems.push(`${at}.type must be "AdaptiveCard"`);
  if (typeof card.version !== 'string' || !VERSIONS.includes(card.version))
    problems.push(`${at}.version must be 1.0–1.4`);
  if (card.$schema !== undefined && card.$schema !== 'http://adaptivecards.io/schemas/adaptive-card.json') {
    problems.push(`${at}.$schema is not the Adaptive Card schema`);
  }
  if (!Array.isArray(card.body)) problems.push(`${at}.body must be an array`);
  else
    card.body.forEach((element, index) => problems.push(...validateElement(element, `${at}.body[${index}]`)));
  if (card.actions !== undefined) {
    if (!Array.isArray(card.actions)) problems.push(`${at}.actions must be an array`);
    else
      card.actions.forEach((action, index) =>
        problems.push(...validateAction(action, `${at}.actions[${index}]`)),
      );
  }
  return problems;
}

function validateElement(value: unknown, at: string): string[] {
  const element = asObject(value);
  if (element === undefined) return [`${at} must be an object`];
  const problems = [
    ...oneOf(element.spacing, SPACINGS, `${at}.spacing`),
    ...(element.wrap === undefined || typeof element.wrap === 'boolean'
      ? []
      : [`${at}.wrap must be a boolean`]),
  ];
  switch (element.type) {
    case 'TextBlock':
      if (typeof element.text !== 'string' || element.text === '') problems.push(`${at}.text is required`);
      problems.push(...textStyle(element, at));
      break;
    case 'RichTextBlock':
      if (!Array.isArray(element.inlines) || element.inlines.length === 0)
        problems.push(`${at}.inlines is required`);
      else
        element.inlines.forEach((inline, index) =>
          problems.push(...validateTextRun(inline, `${at}.inlines[${index}]`)),
        );
      break;
    case 'FactSet':
      if (!Array.isArray(element.facts) || element.facts.length === 0)
        problems.push(`${at}.facts is required`);
      else
        element.facts.forEach((fact, index) => {
          const item = asObject(fact);
          if (typeof item?.title !== 'string' || typeof item.value !== 'string') {
            problems.push(`${at}.facts[${index}] needs string title and value`);
          }
        });
      break;
    default:
      problems.push(`${at}.type ${String(element.type)} is not an element this validator knows`);
  }
  return problems;
}

function validateTextRun(value: unknown, at: string): string[] {
  if (typeof value === 'string') return [];
  const run = asObject(value);
  if (run?.type !== 'TextRun') return [`${at}.type must be "TextRun"`];
  return [...(typeof run.text === 'string' ? [] : [`${at}.text is required`]), ...textStyle(run, at)];
}

function textStyle(element: Record<string, unknown>, at: string): string[] {
  return [
    ...oneOf(element.color, COLORS, `${at}.color`),
    ...oneOf(element.weight, WEIGHTS, `${at}.weight`),
    ...oneOf(element.size, SIZES, `${at}.size`),
    ...oneOf(element.fontType, FONT_TYPES, `${at}.fontType`),
  ];
}

function validateAction(value: unknown, at: string): string[] {
  const action = asObject(value);
  if (action?.type !== 'Action.OpenUrl') return [`${at}.type must be "Action.OpenUrl"`];
  const url = typeof action.url === 'string' ? URL.parse(action.url) : null;
  return url === null ? [`${at}.url must be an absolute URL`] : [];
}

function oneOf(value: unknown, allowed: string[], at: string): string[] {
  return value === undefined || (typeof value === 'string' && allowed.includes(value))
    ? []
    : [`${at} is not one of ${allowed.join(', ')}`];
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
