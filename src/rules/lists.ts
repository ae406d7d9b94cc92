/**
 * Falco lists are text macros: before a condition is parsed, every list name that stands alone
 * (delimited by the start or end, blanks, parentheses, commas or `=`) is replaced by its items
 * joined with ", ". Falco does exactly this, blanks around the name included, and the compiled
 * conditions of its loader tests depend on it, so it is reproduced rather than improved.
 */
import type { LocatedText } from './located-text.js';

const BLANKS = ' \t\n\r';
const DELIMS = `${BLANKS}(),=`;

/** A list ready for substitution: its final items, already quoted where needed. */
export interface ListValue {
  readonly name: string;
  readonly items: readonly string[];
}

/** Items with a blank that are not already quoted are wrapped in double quotes (no escaping: Falco's behaviour). */
export function quoteItem(item: string): string {
  if (item.includes(' ') && !item.startsWith('"') && !item.startsWith("'")) return `"${item}"`;
  return item;
}

/**
 * Substitutes every list into `text`, in list definition order. `used` receives the names of the
 * lists that occurred.
 */
export function substituteLists(text: LocatedText, lists: readonly ListValue[], used: Set<string>): LocatedText {
  let out = text;
  for (const list of lists) {
    const { name } = list;
    let start = out.text.indexOf(name);
    if (start < 0) continue;
    const joined = list.items.join(', ');
    while (start >= 0) {
      const cnd = out.text;
      let end = start + name.length;
      const before = start === 0 || DELIMS.includes(cnd[start - 1] as string);
      const after = end >= cnd.length || DELIMS.includes(cnd[end] as string);
      if (!before || !after) {
        start = cnd.indexOf(name, end);
        continue;
      }
      used.add(name);
      while (start > 0 && BLANKS.includes(cnd[start - 1] as string)) start--;
      while (end < cnd.length && BLANKS.includes(cnd[end] as string)) end++;
      if (joined === '') {
        if (start > 0 && cnd[start - 1] === ',') start--;
        else if (end < cnd.length && cnd[end] === ',') end++;
      }
      const by = `${start > 0 ? ' ' : ''}${joined} `;
      out = out.splice(start, end, by);
      start = out.text.indexOf(name, start + by.length);
    }
  }
  return out;
}
