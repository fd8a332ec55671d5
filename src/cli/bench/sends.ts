/** The sandbox's record of what GHL received: the sendMessage calls of a batch of steps, as they arrive. */
import type { RecordedRequest } from '../../sandbox/index.js';
import type { Stack } from './stack.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function isSendOf(r: RecordedRequest, prefix: string): boolean {
  const body = r.body;
  return (
    r.method === 'POST' &&
    r.path === '/conversations/messages' &&
    r.status >= 200 &&
    r.status < 300 &&
    typeof body === 'object' &&
    body !== null &&
    'contactId' in body &&
    typeof body.contactId === 'string' &&
    body.contactId.startsWith(prefix)
  );
}

/** Waits until `count` sends of the prefix reached the sandbox (or the deadline), and returns them. */
export async function collectSends(
  s: Stack,
  from: number,
  prefix: string,
  count: number,
  deadline: number,
): Promise<RecordedRequest[]> {
  const requests = s.fixture.sandbox.requests;
  const sends: RecordedRequest[] = [];
  let scanned = from;
  for (;;) {
    for (; scanned < requests.length; scanned++) {
      const r = requests[scanned];
      if (r && isSendOf(r, prefix)) sends.push(r);
    }
    if (sends.length >= count || Date.now() > deadline) return sends;
    await sleep(250);
  }
}
