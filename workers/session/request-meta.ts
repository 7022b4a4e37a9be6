/**
 * What the SDK has no setting for in 2026-07-28 but every request must carry in its `_meta` (a log
 * level, an extension declared in the client capabilities): added as each request leaves.
 */
import type { Transport } from '@modelcontextprotocol/client';

/** Passes every request `transport` sends through `edit`, which returns its new `_meta`. */
export function editRequestMeta(transport: Transport, edit: (meta: Record<string, unknown>) => Record<string, unknown>): void {
  const send = transport.send.bind(transport);
  transport.send = (message, options) => {
    if (!('method' in message) || !('id' in message)) return send(message, options);
    const params = message.params ?? {};
    const meta = edit({ ...(params['_meta'] as Record<string, unknown> | undefined) });
    return send({ ...message, params: { ...params, _meta: meta } }, options);
  };
}
