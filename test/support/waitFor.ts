/**
 * Polls until `check` returns a value (not undefined/false) or the time is up. Waits are generous:
 * the tests share a loaded machine, and a wait that ends early proves nothing.
 */
export async function waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs = 20_000, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
