/**
 * A JQL subset parser for the fake Jira: `AND`, `OR`, `NOT`, parentheses, `=`, `!=`, `in`,
 * `not in`, `is [not] empty`, `>`, `>=`, `<`, `<=` (on dates), `ORDER BY`. Anything else is a syntax error, reported the way Jira
 * words it ("Error in the JQL Query: … (line 1, character N)"). Evaluation lives in
 * fake-jira-search.ts. Grammar: https://support.atlassian.com/jira-software-cloud/docs/jql-operators/
 */

export type JqlNode =
  | { kind: 'and'; left: JqlNode; right: JqlNode }
  | { kind: 'or'; left: JqlNode; right: JqlNode }
  | { kind: 'not'; operand: JqlNode }
  | {
      kind: 'clause';
      field: string;
      operator: '=' | '!=' | 'in' | 'not in' | 'is' | 'is not' | '>' | '>=' | '<' | '<=';
      values: string[];
    };

export interface JqlQuery {
  where: JqlNode | undefined;
  orderBy: { field: string; descending: boolean }[];
}

/** A query Jira rejects: `messages` are its `errorMessages`. */
export class JqlError extends Error {
  readonly messages: string[];
  constructor(messages: string[]) {
    super(messages.join('; '));
    this.messages = messages;
  }
}

interface Token {
  text: string;
  quoted: boolean;
  at: number;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'is', 'empty', 'null', 'order', 'by', 'asc', 'desc']);

export function parseJql(jql: string): JqlQuery {
  const tokens = tokenize(jql);
  let position = 0;
  const peek = (): Token | undefined => tokens[position];
  const isWord = (token: Token | undefined, word: string) =>
    !!token && !token.quoted && token.text.toLowerCase() === word;
  const fail = (expected: string): never => {
    const token = peek();
    const got = token ? `'${token.text}'` : "'EOF'";
    throw new JqlError([
      `Error in the JQL Query: Expecting ${expected} but got ${got}. (line 1, character ${(token?.at ?? jql.length) + 1})`,
    ]);
  };
  const take = (expected = 'more of the query'): Token => {
    const token = peek() ?? fail(expected);
    position += 1;
    return token;
  };

  function expression(): JqlNode {
    let left = term();
    while (isWord(peek(), 'or')) {
      position += 1;
      left = { kind: 'or', left, right: term() };
    }
    return left;
  }
  function term(): JqlNode {
    let left = factor();
    while (isWord(peek(), 'and')) {
      position += 1;
      left = { kind: 'and', left, right: factor() };
    }
    return left;
  }
  function factor(): JqlNode {
    const token = take('a field name');
    if (!token.quoted && (token.text === '!' || token.text.toLowerCase() === 'not'))
      return { kind: 'not', operand: factor() };
    if (!token.quoted && token.text === '(') {
      const inner = expression();
      if (take().text !== ')') fail("')'");
      return inner;
    }
    if (!token.quoted && (KEYWORDS.has(token.text.toLowerCase()) || /^[(),=!<>]/.test(token.text))) {
      position -= 1;
      fail('a field name');
    }
    return clause(token.text);
  }
  function clause(field: string): JqlNode {
    const operator = take("one of the operators '=', '!=', 'in', 'not in', 'is', 'is not'");
    const op = operator.quoted ? '' : operator.text.toLowerCase();
    if (op === '=' || op === '!=' || op === '>' || op === '>=' || op === '<' || op === '<=')
      return { kind: 'clause', field, operator: op, values: [value()] };
    if (op === 'in') return { kind: 'clause', field, operator: 'in', values: list() };
    if (op === 'not' && isWord(peek(), 'in')) {
      position += 1;
      return { kind: 'clause', field, operator: 'not in', values: list() };
    }
    if (op === 'is') {
      const negated = isWord(peek(), 'not');
      if (negated) position += 1;
      const empty = take();
      if (!['empty', 'null'].includes(empty.text.toLowerCase())) fail("'EMPTY'");
      return { kind: 'clause', field, operator: negated ? 'is not' : 'is', values: [] };
    }
    position -= 1;
    return fail("one of the operators '=', '!=', 'in', 'not in', 'is', 'is not'");
  }
  function value(): string {
    const token = take('either a value, list or function');
    if (!token.quoted && (/^[(),=!<>]/.test(token.text) || KEYWORDS.has(token.text.toLowerCase()))) {
      position -= 1;
      fail('either a value, list or function');
    }
    return token.text;
  }
  function list(): string[] {
    if (take().text !== '(') fail("'('");
    const values = [value()];
    while (peek()?.text === ',') {
      position += 1;
      values.push(value());
    }
    if (take().text !== ')') fail("')'");
    return values;
  }

  const where = peek() && !isWord(peek(), 'order') ? expression() : undefined;
  const orderBy: JqlQuery['orderBy'] = [];
  if (isWord(peek(), 'order')) {
    position += 1;
    if (!isWord(take(), 'by')) fail("'by'");
    do {
      if (peek()?.text === ',') position += 1;
      const field = take().text;
      const direction = isWord(peek(), 'asc') || isWord(peek(), 'desc') ? take().text.toLowerCase() : 'asc';
      orderBy.push({ field, descending: direction === 'desc' });
    } while (peek()?.text === ',');
  }
  if (peek()) fail('end of query');
  return { where, orderBy };
}

function tokenize(jql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < jql.length) {
    const char = jql[i] ?? '';
    if (/\s/.test(char)) {
      i += 1;
      continue;
    }
    if (char === '"' || char === "'") {
      let text = '';
      let j = i + 1;
      while (j < jql.length && jql[j] !== char) {
        if (jql[j] === '\\') j += 1;
        text += jql[j] ?? '';
        j += 1;
      }
      if (j >= jql.length)
        throw new JqlError([
          `Error in the JQL Query: The quoted string ${jql.slice(i)} has not been completed. (line 1, character ${i + 1})`,
        ]);
      tokens.push({ text, quoted: true, at: i });
      i = j + 1;
      continue;
    }
    const symbol = /^(!=|>=|<=|[(),=<>])/.exec(jql.slice(i));
    if (symbol) {
      tokens.push({ text: symbol[0], quoted: false, at: i });
      i += symbol[0].length;
      continue;
    }
    const word = /^[^\s(),=!<>"']+/.exec(jql.slice(i));
    if (!word)
      throw new JqlError([
        `Error in the JQL Query: The character '${char}' is a reserved JQL character. (line 1, character ${i + 1})`,
      ]);
    tokens.push({ text: word[0], quoted: false, at: i });
    i += word[0].length;
  }
  return tokens;
}
