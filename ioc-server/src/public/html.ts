import escapeHtml from 'escape-html';

/**
 * HTML built from a tagged template (`markup`, not `html`: prettier would reformat an `html` template and
 * put its whitespace into the page) whose every interpolation is escaped (escape-html: & < > " '), unless
 * it is already `Html` made by this tag or by `raw` for markup the server wrote itself. Arrays are
 * joined. Values from the database never reach the page unescaped: a `<script>` typed into a report is
 * shown as text.
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Part = Html | string | number | null | undefined | false | readonly Part[];

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof Html) return part.value;
  if (Array.isArray(part)) return part.map(render).join('');
  return escapeHtml(String(part));
}

export function markup(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + (strings[i + 1] ?? '');
  return new Html(out);
}

/** Markup the server wrote itself (the map's outline numbers, a stylesheet link): never user text. */
export const raw = (s: string) => new Html(s);
