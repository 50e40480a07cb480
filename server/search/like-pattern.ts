// LIKE/ILIKE patterns from what a person typed: % _ and \ are matched as
// themselves (PostgreSQL's default LIKE escape character is the backslash).

/** A pattern matching `text` literally anywhere. */
export function likeContains(text: string): string {
  return `%${likeLiteral(text)}%`;
}

/** A pattern matching values that start with `text` literally. */
export function likePrefix(text: string): string {
  return `${likeLiteral(text)}%`;
}

function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
