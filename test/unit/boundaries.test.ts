import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const eslint = new ESLint({ cwd: ROOT });

/** The boundary errors `npm run lint` reports for `code` placed at `file`. */
async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('the architecture boundaries (npm run lint)', () => {
  it('forbid the caller side to import the MCP SDK', async () => {
    const errors = await boundaryErrors(
      'src/bridge/new.ts',
      "import { Client } from '@modelcontextprotocol/sdk/client/index.js';\nexport const c = Client;\n",
    );
    expect(errors).toEqual([expect.stringContaining('The MCP SDK is confined to workers/')]);
  });

  it('forbid the caller side to import the worker', async () => {
    const errors = await boundaryErrors('src/bridge/new.ts', "import { HubApi } from '../../workers/api.js';\nexport const a = HubApi;\n");
    expect(errors).toEqual([expect.stringContaining('src/ must not import workers/')]);
  });

  it('forbid the worker anything of the caller side but src/shared/', async () => {
    const bad = await boundaryErrors(
      'workers/session/new.ts',
      "import { McpHub } from '../../src/bridge/hub.js';\nexport const h = McpHub;\n",
    );
    expect(bad).toEqual([expect.stringContaining('workers/ may import only src/shared/')]);
    const good = await boundaryErrors(
      'workers/session/new.ts',
      "import { ErrorCode } from '../../src/shared/errors.js';\nexport const e = ErrorCode;\n",
    );
    expect(good).toEqual([]);
  });
});
