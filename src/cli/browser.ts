/** Opening a URL in the user's browser, where there is one; failure is silent (the URL is printed anyway). */
import { spawn } from 'node:child_process';

/**
 * Opens `url` with the platform's opener (`open`, `xdg-open`, `start`) and returns whether it
 * tried. On Linux without a display (`DISPLAY` / `WAYLAND_DISPLAY`) there is no browser to open.
 */
export function openBrowser(url: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]]
        : ['xdg-open', [url]];
  if (process.platform === 'linux' && !env['DISPLAY'] && !env['WAYLAND_DISPLAY']) return false;
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
    return true;
  } catch {
    return false;
  }
}
