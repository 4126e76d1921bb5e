/**
 * A mistake a command's user can fix (a wrong file, header or option): command-line tools print its
 * message alone, never a stack trace.
 */
export class CommandError extends Error {
  override readonly name = 'CommandError';
}
