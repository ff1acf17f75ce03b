/**
 * Settles with `promise`, or rejects when `timeoutMs` elapses or `signal` aborts (SIGTERM/SIGINT), whichever
 * comes first; `what` completes the message ("timed out after 30 s while connecting").
 */
export async function withDeadline<T>(
  promise: Promise<T>,
  options: { timeoutMs: number; signal?: AbortSignal | undefined; what: string },
): Promise<T> {
  const { timeoutMs, signal, what } = options;
  // Whatever happens to the deadline, a later rejection of the abandoned promise must not crash the process.
  promise.catch(() => undefined);
  signal?.throwIfAborted();
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out after ${timeoutMs / 1000} s while ${what}`)),
      timeoutMs,
    );
    onAbort = () =>
      reject(new Error(`${(signal?.reason as Error | undefined)?.message ?? 'aborted'} while ${what}`));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}
