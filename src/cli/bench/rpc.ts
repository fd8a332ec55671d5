import { type ChildProcess, fork } from 'node:child_process';
import { openSync } from 'node:fs';

/** A child's commands: each takes one argument and answers one result, over the fork IPC channel. */
export type Api = Record<string, { arg: unknown; result: unknown }>;
export type Handlers<A extends Api> = { [K in keyof A]: (arg: A[K]['arg']) => Promise<A[K]['result']> };

interface Call {
  id: number;
  cmd: string;
  arg: unknown;
}
type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
/** What a child says unasked once it is up (the service's URL, the load process's keys). */
export interface Hello {
  hello: true;
  info: Record<string, string>;
}

/** Child side: answers the parent's calls until the channel closes. Children are this bench's own processes. */
export function serve<A extends Api>(handlers: Handlers<A>, info: Record<string, string> = {}): void {
  const send = (m: Reply | Hello) => process.send?.(m);
  process.on('message', (raw) => {
    const call = raw as Call;
    const handler = (handlers as Record<string, (arg: unknown) => Promise<unknown>>)[call.cmd];
    if (!handler) {
      send({ id: call.id, ok: false, error: `unknown command ${call.cmd}` });
      return;
    }
    handler(call.arg).then(
      (result) => send({ id: call.id, ok: true, result }),
      (err: unknown) =>
        send({ id: call.id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
  send({ hello: true, info });
}

export interface Child<A extends Api> {
  proc: ChildProcess;
  pid: number;
  info: Record<string, string>;
  call<K extends keyof A & string>(cmd: K, arg: A[K]['arg']): Promise<A[K]['result']>;
  /** Ends the child (SIGTERM, then SIGKILL after 5 s) and waits for it. */
  stop(): Promise<void>;
}

export interface SpawnOptions {
  env: Record<string, string | undefined>;
  /** stdout and stderr go here, so a child's logs never cost the parent anything. */
  logFile: string;
  execArgv?: string[];
  /** How long the child may take to say hello (migrations, PGlite initdb). */
  startTimeoutMs?: number;
}

/** Forks an entry (TypeScript under tsx, or JavaScript as built) and waits for its hello. */
export function spawnChild<A extends Api>(entry: string, opts: SpawnOptions): Promise<Child<A>> {
  const log = openSync(opts.logFile, 'a');
  const proc = fork(entry, [], {
    execArgv: [...(entry.endsWith('.ts') ? ['--import', 'tsx'] : []), ...(opts.execArgv ?? [])],
    env: opts.env,
    stdio: ['ignore', log, log, 'ipc'],
  });
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let next = 1;
  let exited = false;
  const exit = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${entry} did not start (see ${opts.logFile})`)),
      opts.startTimeoutMs ?? 60_000,
    );
    proc.on('exit', (code) => {
      exited = true;
      clearTimeout(timer);
      for (const p of pending.values()) p.reject(new Error(`${entry} exited with ${code} (see ${opts.logFile})`));
      pending.clear();
      reject(new Error(`${entry} exited with ${code} before starting (see ${opts.logFile})`));
    });
    proc.on('message', (raw) => {
      const m = raw as Reply | Hello;
      if ('hello' in m) {
        clearTimeout(timer);
        resolve({ proc, pid: proc.pid ?? 0, info: m.info, call, stop });
        return;
      }
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.ok) p.resolve(m.result);
      else p.reject(new Error(`${entry}: ${m.error}`));
    });
  });

  function call<K extends keyof A & string>(cmd: K, arg: A[K]['arg']): Promise<A[K]['result']> {
    if (exited) return Promise.reject(new Error(`${entry} is not running`));
    const id = next++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve: (v) => resolve(v as A[K]['result']), reject });
      proc.send({ id, cmd, arg } satisfies Call);
    });
  }

  async function stop(): Promise<void> {
    if (exited) return;
    proc.kill('SIGTERM');
    const kill = setTimeout(() => proc.kill('SIGKILL'), 5_000);
    await exit;
    clearTimeout(kill);
  }
}
