/**
 * Per-server tool selection (`tools.include` / `tools.exclude`), as hermes-agent does it: entries
 * are raw MCP tool names or fnmatch-style globs, matched case-sensitively against the raw name
 * (not the `mcp_…` registry name).
 */

/** The include/exclude part of a server's `tools` config. */
export interface NameFilter {
  /** Names or globs to keep; when set (even to `[]`), only matching tools are kept and `exclude` is ignored. */
  include?: string | readonly string[];
  /** Names or globs to drop; used only when `include` is not set. */
  exclude?: string | readonly string[];
}

const GLOB_CHARS = /[*?[]/;
const globCache = new Map<string, RegExp>();

/**
 * Whether `name` matches any of `patterns`: an entry without `*`, `?` or `[` must equal the name;
 * one with them is a glob (`*` any run, `?` one character, `[abc]` / `[a-z]` / `[!abc]` a class),
 * anchored at both ends and case-sensitive, like Python's `fnmatch.fnmatchcase`.
 */
export function matchesNameFilter(name: string, patterns: Iterable<string>): boolean {
  for (const pattern of patterns) {
    if (pattern === name) return true;
    if (GLOB_CHARS.test(pattern) && globToRegExp(pattern).test(name)) return true;
  }
  return false;
}

/**
 * The predicate deciding which of a server's tools get entries: with `include` set only matching
 * names pass (include wins over exclude; `include: []` keeps nothing); otherwise every name not
 * matching `exclude` passes; with neither, everything passes.
 */
export function createToolFilter(filter: NameFilter = {}): (toolName: string) => boolean {
  if (filter.include !== undefined) {
    const include = toList(filter.include);
    return (toolName) => matchesNameFilter(toolName, include);
  }
  const exclude = toList(filter.exclude);
  return (toolName) => !matchesNameFilter(toolName, exclude);
}

/** The items of `tools` (anything with a raw `name`) that {@link createToolFilter} keeps, in order. */
export function filterTools<T extends { name: string }>(tools: readonly T[], filter: NameFilter = {}): T[] {
  const keep = createToolFilter(filter);
  return tools.filter((tool) => keep(tool.name));
}

function toList(value: string | readonly string[] | undefined): readonly string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
}

/** Translates an fnmatch glob to an anchored RegExp (cached: filters run per tool per refresh). */
function globToRegExp(glob: string): RegExp {
  const cached = globCache.get(glob);
  if (cached) return cached;
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i] as string;
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else if (char === '[') {
      const end = classEnd(glob, i);
      if (end === -1) {
        source += '\\[';
        continue;
      }
      let body = glob.slice(i + 1, end);
      const negate = body.startsWith('!');
      if (negate) body = body.slice(1);
      // Inside a class only `\`, `]` and `^` need escaping; `-` keeps its range meaning.
      source += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = end;
    } else source += char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  const regExp = new RegExp(`^${source}$`, 's');
  globCache.set(glob, regExp);
  return regExp;
}

/** Index of the `]` closing the class opened at `start`, or -1 (then `[` is literal, as in fnmatch). */
function classEnd(glob: string, start: number): number {
  let j = start + 1;
  if (glob[j] === '!') j++;
  if (glob[j] === ']') j++; // a leading `]` is a member, not the end
  return glob.indexOf(']', j);
}
