/**
 * `p`, or a rejection with `timeoutError()` once `ms` have passed. Real time on purpose: it bounds how long a
 * caller waits on I/O, which an injected clock cannot speed up. The timer never keeps the process alive and is
 * cleared as soon as `p` settles; a late failure of `p` after the timeout is not reported as unhandled.
 */
export function withTimeout<T>(
  p: Promise<T>,
  ms: number,
  timeoutError: () => Error = () => new Error(`timed out after ${ms} ms`),
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(timeoutError()), ms);
    timer.unref();
  });
  p.catch(() => {});
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
