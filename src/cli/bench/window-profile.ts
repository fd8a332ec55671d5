/**
 * BENCH_PROFILE_WINDOWS=1: a V8 CPU profile of the service per window between two round-trip counts the
 * orchestrator asks for (a measured rate is one such window), written next to the logs as window-<n>.cpuprofile;
 * --cpu-prof covers the whole run, set-up and history included.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

let session: Session | undefined;
let n = 0;

function post(s: Session, method: string, params?: object): Promise<unknown> {
  return new Promise((resolve, reject) =>
    s.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res))),
  );
}

export async function nextWindow(dir: string): Promise<void> {
  if (!session) {
    session = new Session();
    session.connect();
    await post(session, 'Profiler.enable');
    await post(session, 'Profiler.setSamplingInterval', { interval: 500 });
  } else {
    const { profile } = (await post(session, 'Profiler.stop')) as { profile: unknown };
    n += 1;
    writeFileSync(`${dir}/window-${n}.cpuprofile`, JSON.stringify(profile));
  }
  await post(session, 'Profiler.start');
}
