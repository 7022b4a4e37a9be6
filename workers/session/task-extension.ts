/**
 * The 2026-07-28 tasks extension (SEP-2663, `io.modelcontextprotocol/tasks`) on an SDK that does
 * not speak it (2.4.0 removed tasks; its 2026 codec rejects `resultType: "task"` before any caller
 * sees it). Two adaptations at the transport, where the SDK cannot interfere:
 *
 * - out: every request declares the extension in its `_meta` client capabilities (2026 servers
 *   MUST NOT infer capabilities from earlier requests, so it goes on each one);
 * - in: a result with `resultType: "task"` (a CreateTaskResult) is handed to the SDK as a complete
 *   tool result marked with the task under {@link TASK_MARK} — an `isError` one, so that no
 *   output-schema check applies — and turned back into a task by `markedTask` before anyone
 *   else sees it.
 *
 * The server decides which calls become tasks; `tasks/get` (which carries the final result
 * inline) and `tasks/cancel` are ordinary requests the SDK lets through with a result schema.
 */
import { CLIENT_CAPABILITIES_META_KEY, type Transport } from '@modelcontextprotocol/client';
import { editRequestMeta } from './request-meta.js';

/** The extension's identifier. */
export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';
/** Where a task result handed through the SDK carries its task. Never leaves the worker. */
const TASK_MARK = 'dev.mcp-sync/created-task';

/** Makes `transport` (of a 2026-era client) speak the tasks extension. */
export function speakTasksExtension(transport: Transport): void {
  editRequestMeta(transport, (meta) => {
    const declared = (meta[CLIENT_CAPABILITIES_META_KEY] as Record<string, unknown> | undefined) ?? {};
    const extensions = { ...(declared['extensions'] as Record<string, unknown> | undefined), [TASKS_EXTENSION]: {} };
    return { ...meta, [CLIENT_CAPABILITIES_META_KEY]: { ...declared, extensions } };
  });
  const deliver = transport.onmessage;
  if (deliver === undefined) return;
  transport.onmessage = (message, extra) => {
    const result = 'result' in message ? (message.result as Record<string, unknown>) : undefined;
    if (result?.['resultType'] !== 'task') return deliver(message, extra);
    const { resultType: _task, _meta, ...task } = result;
    const marked = { resultType: 'complete', content: [], isError: true, _meta: { ...(_meta as object | undefined), [TASK_MARK]: task } };
    deliver({ ...message, result: marked } as typeof message, extra);
  };
}

/** The task a tool result stands for, when the server answered `tools/call` with one. */
export function markedTask(result: { _meta?: Record<string, unknown> | undefined }): Record<string, unknown> | undefined {
  const task = result._meta?.[TASK_MARK];
  return typeof task === 'object' && task !== null ? (task as Record<string, unknown>) : undefined;
}
