/** Cursor pagination for the MCP list methods. */

/** Stop following `nextCursor` after this many pages (a server that loops must not hang us). */
export const MAX_PAGES = 50;

/** Fetches every page (at most {@link MAX_PAGES}) and concatenates their items. */
export async function listAllPages<P extends { nextCursor?: string | undefined }, T>(
  fetchPage: (cursor: string | undefined) => Promise<P>,
  itemsOf: (page: P) => T[],
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await fetchPage(cursor);
    items.push(...itemsOf(result));
    cursor = result.nextCursor;
    if (cursor === undefined || cursor === '') break;
  }
  return items;
}
