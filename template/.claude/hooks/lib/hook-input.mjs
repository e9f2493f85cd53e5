// The JSON object Claude Code pipes into a hook's stdin. A hook that cannot read it says so
// on stderr and exits 1: Claude Code shows the message and goes on, since only exit 2 blocks
// (the guard, which must block, reads its input itself and exits 2).
import { readFileSync } from 'node:fs';

/**
 * @param {object} hook
 * @param {string} hook.name      the hook's file name, for the message
 * @param {string} hook.event     the Claude Code event it answers (Stop, PostToolUse)
 * @param {string} hook.skipped   what did not happen because the input was unreadable
 * @returns {object} the parsed input
 */
export function readHookInput({ name, event, skipped }) {
  try {
    const payload = JSON.parse(readFileSync(0, 'utf8'));
    if (payload && typeof payload === 'object' && !Array.isArray(payload)) return payload;
  } catch {
    // not JSON: said below
  }
  process.stderr.write(`${name} hook: its input is not the ${event} JSON object; ${skipped}.\n`);
  process.exit(1);
}
