import { describe, it, expect } from 'vitest';
import {
  DEFAULT_MAX_TOOL_NAME_LENGTH,
  TOOL_NAME_PATTERN,
  sanitizeNameComponent,
  toolName,
  toolsetName,
} from '../../../src/registry/naming.js';

describe('tool names', () => {
  it('prefixes mcp_<server>_<tool> (hermes: test_tool_name_prefix_format)', () => {
    expect(toolName('my_server', 'list_dir')).toBe('mcp_my_server_list_dir');
    expect(toolName('filesystem', 'read_file')).toBe('mcp_filesystem_read_file');
  });

  it('replaces hyphens with underscores in both parts (hermes: test_hyphens_sanitized_to_underscores)', () => {
    const name = toolName('my-server', 'get-sum');
    expect(name).toBe('mcp_my_server_get_sum');
    expect(name).not.toContain('-');
  });

  it('replaces dots, slashes and @ with underscores', () => {
    expect(toolName('ai.exa/exa', 'search')).toBe('mcp_ai_exa_exa_search');
    expect(sanitizeNameComponent('@scope/my-pkg.v2')).toBe('_scope_my_pkg_v2');
  });

  it('neither collapses nor trims underscores, as hermes does not', () => {
    expect(sanitizeNameComponent('a--b')).toBe('a__b');
    expect(sanitizeNameComponent('-x-')).toBe('_x_');
  });

  it('replaces each non-ASCII code point with a single underscore', () => {
    expect(sanitizeNameComponent('café')).toBe('caf_');
    expect(sanitizeNameComponent('rocket🚀')).toBe('rocket_');
    expect(sanitizeNameComponent('日本')).toBe('__');
  });

  it('keeps a name with empty parts valid', () => {
    expect(toolName('', '')).toBe('mcp__');
    expect(toolName('', '')).toMatch(TOOL_NAME_PATTERN);
  });

  it('leaves a name of exactly the maximum length alone', () => {
    const tool = 'x'.repeat(DEFAULT_MAX_TOOL_NAME_LENGTH - 'mcp_s_'.length);
    expect(toolName('s', tool)).toBe(`mcp_s_${tool}`);
  });

  it('shortens long names with a stable hash suffix, without collisions (hermes: test_long_names_are_clamped_to_64_chars)', () => {
    const server = 'agent_plugin_my_server_997167c9__my_server';
    const first = toolName(server, 'reply_communication_todo');
    const second = toolName(server, 'reply_communication_task');
    expect(first.length).toBeLessThanOrEqual(64);
    expect(second.length).toBeLessThanOrEqual(64);
    expect(first).not.toBe(second);
    expect(toolName(server, 'reply_communication_todo')).toBe(first);
    expect(first).toMatch(/^mcp_agent_plugin_my_server_.*_[0-9a-f]{8}$/);
  });

  it('uses the first 8 hex characters of the SHA-256 of the full name, as hermes', () => {
    // sha256('mcp_s_' + 'a' * 100)[:8], computed independently.
    const name = toolName('s', 'a'.repeat(100));
    expect(name).toBe(`mcp_s_${'a'.repeat(49)}_6b9dc307`);
  });

  it('honours a larger maxLength up to the 128 of TOOL_NAME_PATTERN', () => {
    const long = toolName('server', 'a'.repeat(100), { maxLength: 128 });
    expect(long).toBe(`mcp_server_${'a'.repeat(100)}`);
    const longer = toolName('server', 'a'.repeat(200), { maxLength: 128 });
    expect(longer).toHaveLength(128);
    expect(longer).toMatch(TOOL_NAME_PATTERN);
  });

  it('rejects a maxLength too small to hold the hash or above 128', () => {
    expect(() => toolName('s', 't', { maxLength: 15 })).toThrow(RangeError);
    expect(() => toolName('s', 't', { maxLength: 129 })).toThrow(RangeError);
  });

  it('always matches the provider name pattern, whatever the input', () => {
    for (const [server, tool] of [
      ['my server', 'do it!'],
      ['ünïcödé', '✓✓✓'],
      ['x'.repeat(300), 'y'.repeat(300)],
      ['a/b', '../../etc/passwd'],
    ] as const) {
      const name = toolName(server, tool);
      expect(name).toMatch(TOOL_NAME_PATTERN);
      expect(name.length).toBeLessThanOrEqual(64);
    }
  });
});

describe('toolset names', () => {
  it('is mcp-<server> with the server name as configured', () => {
    expect(toolsetName('srv')).toBe('mcp-srv');
    expect(toolsetName('my-server')).toBe('mcp-my-server');
  });
});
