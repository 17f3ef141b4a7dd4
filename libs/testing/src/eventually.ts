/**
 * Polls `predicate` (which may be async) every 20 ms until it holds or `timeoutMs` passes; resolves with its
 * last answer.
 */
export async function eventually(predicate: () => boolean | Promise<boolean>, timeoutMs = 2_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  return predicate();
}
