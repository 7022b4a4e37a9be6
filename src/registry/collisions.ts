/**
 * Registry-name collisions. Sanitising is lossy (`read-file` and `read_file` both become
 * `mcp_s_read_file`; servers `a-b` and `a_b` share the `mcp_a_b_` prefix), and a server may have
 * its own `read_resource` tool next to the generated utility. hermes-agent's rule (`_resolve_name_collisions`), ported: a native tool beats
 * a generated utility; two native tools on one name are both dropped, since neither can be
 * reached unambiguously (fail closed).
 */

/** What {@link resolveNameCollisions} needs of an entry. */
export interface NamedCandidate {
  /** The registry name, e.g. `mcp_s_read_file`. */
  name: string;
  /** The configured server name (pass it when resolving several servers' entries together). */
  server?: string;
  /** The raw MCP tool name, or the utility key for a generated utility. */
  tool: string;
  /** `true` for a generated utility entry (list/read resources, list/get prompts). */
  utility?: boolean;
}

/** One entry {@link resolveNameCollisions} left out, and why (for a log line). */
export interface DroppedCandidate<T> {
  entry: T;
  reason: string;
}

/** The outcome of {@link resolveNameCollisions}. */
export interface ResolvedCandidates<T> {
  /** The entries to register, in their original order. */
  kept: T[];
  /** The entries left out. */
  dropped: DroppedCandidate<T>[];
}

/**
 * Resolves registry-name collisions among candidate entries (one server's, or all servers'):
 * - the same tool of the same server listed twice → the first is kept;
 * - a native tool and a generated utility on one name → the native tool is kept;
 * - two or more different native tools on one name → all of them are dropped.
 */
export function resolveNameCollisions<T extends NamedCandidate>(candidates: readonly T[]): ResolvedCandidates<T> {
  const byName = new Map<string, T[]>();
  const dropped: DroppedCandidate<T>[] = [];
  for (const candidate of candidates) {
    const group = byName.get(candidate.name) ?? [];
    if (group.some((other) => sameOrigin(other, candidate))) {
      dropped.push({ entry: candidate, reason: `duplicate of ${describe(candidate)} on '${candidate.name}'` });
      continue;
    }
    group.push(candidate);
    byName.set(candidate.name, group);
  }
  const excluded = new Set<T>();
  for (const [name, group] of byName) {
    if (group.length < 2) continue;
    const natives = group.filter((candidate) => !candidate.utility);
    const utilities = group.filter((candidate) => candidate.utility);
    if (natives.length === 1) {
      for (const utility of utilities) {
        excluded.add(utility);
        dropped.push({
          entry: utility,
          reason: `native ${natives[0] ? describe(natives[0]) : 'tool'} shadows the generated utility on '${name}'`,
        });
      }
      continue;
    }
    const tools = natives.map(describe).join(', ');
    for (const candidate of group) {
      excluded.add(candidate);
      dropped.push({ entry: candidate, reason: `name collision on '${name}' between ${tools}; none registered` });
    }
  }
  const kept = [...byName.values()].flat().filter((candidate) => !excluded.has(candidate));
  // Restore input order: byName groups by first appearance, which can reorder interleaved names.
  const order = new Map(candidates.map((candidate, index) => [candidate, index] as const));
  kept.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  return { kept, dropped };
}

function sameOrigin(a: NamedCandidate, b: NamedCandidate): boolean {
  return a.tool === b.tool && a.server === b.server && Boolean(a.utility) === Boolean(b.utility);
}

function describe(candidate: NamedCandidate): string {
  const what = candidate.utility ? 'utility' : 'tool';
  return candidate.server === undefined ? `${what} '${candidate.tool}'` : `${what} '${candidate.tool}' of server '${candidate.server}'`;
}
