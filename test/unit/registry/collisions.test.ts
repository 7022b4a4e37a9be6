import { describe, it, expect } from 'vitest';
import { resolveNameCollisions, type NamedCandidate } from '../../../src/registry/collisions.js';
import { toolName } from '../../../src/registry/naming.js';

function tool(server: string, name: string): NamedCandidate {
  return { name: toolName(server, name), tool: name };
}

function utility(server: string, key: string): NamedCandidate {
  return { name: toolName(server, key), tool: key, utility: true };
}

describe('name collisions', () => {
  it('keeps everything when names are distinct', () => {
    const candidates = [tool('srv', 'a'), tool('srv', 'b'), utility('srv', 'list_resources')];
    expect(resolveNameCollisions(candidates)).toEqual({ kept: candidates, dropped: [] });
  });

  it('drops every tool of an ambiguous sanitised name (hermes: test_same_server_normalization_collision_skips_all_ambiguous_tools)', () => {
    const candidates = [tool('srv', 'read-file'), tool('srv', 'read_file'), tool('srv', 'safe_tool')];
    const { kept, dropped } = resolveNameCollisions(candidates);
    expect(kept.map((candidate) => candidate.name)).toEqual(['mcp_srv_safe_tool']);
    expect(dropped.map((entry) => entry.entry.tool)).toEqual(['read-file', 'read_file']);
    expect(dropped[0]?.reason).toContain("tool 'read-file'");
    expect(dropped[0]?.reason).toContain("tool 'read_file'");
  });

  it('lets a native tool win over the generated utility of the same name (hermes #87112)', () => {
    const native = tool('srv', 'read_resource');
    const generated = utility('srv', 'read_resource');
    const { kept, dropped } = resolveNameCollisions([native, tool('srv', 'safe_tool'), generated]);
    expect(kept).toEqual([native, tool('srv', 'safe_tool')]);
    expect(dropped).toEqual([
      { entry: generated, reason: "native tool 'read_resource' shadows the generated utility on 'mcp_srv_read_resource'" },
    ]);
  });

  it('keeps the first of exact duplicates', () => {
    const first = tool('srv', 'a');
    const again = { ...tool('srv', 'a') };
    const { kept, dropped } = resolveNameCollisions([first, again]);
    expect(kept).toEqual([first]);
    expect(kept[0]).toBe(first);
    expect(dropped).toHaveLength(1);
  });

  it('tells servers apart when resolving several servers together', () => {
    const a = { ...tool('a-b', 'x'), server: 'a-b' };
    const b = { ...tool('a_b', 'x'), server: 'a_b' };
    const other = { ...tool('c', 'x'), server: 'c' };
    const { kept, dropped } = resolveNameCollisions([a, other, b]);
    expect(kept).toEqual([other]);
    expect(dropped.map((entry) => entry.reason)).toEqual([
      "name collision on 'mcp_a_b_x' between tool 'x' of server 'a-b', tool 'x' of server 'a_b'; none registered",
      "name collision on 'mcp_a_b_x' between tool 'x' of server 'a-b', tool 'x' of server 'a_b'; none registered",
    ]);
  });

  it('keeps the input order of survivors', () => {
    const candidates = [tool('s', 'z'), tool('s', 'dup-x'), tool('s', 'a'), tool('s', 'dup_x'), tool('s', 'm')];
    expect(resolveNameCollisions(candidates).kept.map((candidate) => candidate.tool)).toEqual(['z', 'a', 'm']);
  });
});
