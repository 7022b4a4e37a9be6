import { describe, it, expect } from 'vitest';
import { createToolFilter, filterTools, matchesNameFilter } from '../../../src/registry/filter.js';

const TOOLS = ['create_service', 'delete_service', 'get_weather_radar_map', 'list_services', 'read_file', 'write_file'];

function kept(filter: Parameters<typeof createToolFilter>[0]): string[] {
  return TOOLS.filter(createToolFilter(filter));
}

describe('tool include/exclude filter', () => {
  it('keeps every tool when neither include nor exclude is set', () => {
    expect(kept({})).toEqual(TOOLS);
    expect(kept(undefined)).toEqual(TOOLS);
  });

  it('keeps only the included tools (whitelist)', () => {
    expect(kept({ include: ['read_file', 'list_services'] })).toEqual(['list_services', 'read_file']);
  });

  it('drops the excluded tools (blacklist)', () => {
    expect(kept({ exclude: ['delete_service'] })).toEqual(TOOLS.filter((name) => name !== 'delete_service'));
  });

  it('lets include win over exclude: exclude is ignored when include is set', () => {
    expect(kept({ include: ['read_file', 'delete_service'], exclude: ['delete_service'] })).toEqual(['delete_service', 'read_file']);
  });

  it('keeps nothing for an explicit empty include list', () => {
    expect(kept({ include: [] })).toEqual([]);
    expect(kept({ include: [], exclude: ['read_file'] })).toEqual([]);
  });

  it('accepts a single string as well as a list', () => {
    expect(kept({ include: 'read_file' })).toEqual(['read_file']);
    expect(kept({ exclude: '*_file' })).toEqual(['create_service', 'delete_service', 'get_weather_radar_map', 'list_services']);
  });

  it('matches globs with * and ?', () => {
    expect(kept({ include: ['*_service'] })).toEqual(['create_service', 'delete_service']);
    expect(kept({ include: ['*_radar_*'] })).toEqual(['get_weather_radar_map']);
    expect(kept({ include: ['?ead_file'] })).toEqual(['read_file']);
    expect(kept({ exclude: ['*'] })).toEqual([]);
  });

  it('matches fnmatch character classes, including negated ones', () => {
    expect(kept({ include: ['[rw]*_file'] })).toEqual(['read_file', 'write_file']);
    expect(kept({ include: ['[!rw]*'] })).toEqual(['create_service', 'delete_service', 'get_weather_radar_map', 'list_services']);
    expect(kept({ include: ['[a-d]*'] })).toEqual(['create_service', 'delete_service']);
  });

  it('matches on the raw MCP name, not the mcp_ registry name', () => {
    expect(kept({ include: ['mcp_srv_read_file'] })).toEqual([]);
  });

  it('is case-sensitive', () => {
    expect(kept({ include: ['READ_FILE', 'Read_*'] })).toEqual([]);
  });

  it('treats regex metacharacters in globs literally', () => {
    expect(matchesNameFilter('a.b', ['a.b'])).toBe(true);
    expect(matchesNameFilter('axb', ['a.b*'])).toBe(false);
    expect(matchesNameFilter('a.b(1)', ['a.b(*)'])).toBe(true);
    expect(matchesNameFilter('a+b', ['a+?'])).toBe(true);
    expect(matchesNameFilter('aab', ['a+?'])).toBe(false);
  });

  it('treats an unclosed [ as a literal character, as fnmatch does', () => {
    expect(matchesNameFilter('a[b', ['a[b'])).toBe(true);
    expect(matchesNameFilter('a[bc', ['a[b*'])).toBe(true);
  });

  it('lets * match across any characters, dots and slashes included', () => {
    expect(matchesNameFilter('ns/tool.v2', ['ns/*'])).toBe(true);
  });

  it('filters tool objects by their name, keeping order', () => {
    const tools = TOOLS.map((name) => ({ name, inputSchema: {} }));
    expect(filterTools(tools, { exclude: ['*_service*'] }).map((tool) => tool.name)).toEqual([
      'get_weather_radar_map',
      'read_file',
      'write_file',
    ]);
  });
});
