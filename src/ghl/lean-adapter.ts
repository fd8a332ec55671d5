// Speed: replaces axios's own node:http adapter; CPU per GHL call about 0.25 -> 0.1 ms, four calls a step (commit f99be90).
// Then the target parsed once and the answer's headers built once: see http.ts for the client's figure.
import http from 'node:http';
import https from 'node:https';
import {
  type AxiosAdapter,
  AxiosError,
  AxiosHeaders,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';

/** A GHL answer larger than this is not an answer we asked for. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

/**
 * An axios adapter with a lean transport: axios keeps the interface (its request config, AxiosHeaders, AxiosError
 * and its codes), node:http carries the bytes; the GHL client calls it directly (http.ts). Measured on the bench
 * machine, axios's own http adapter (stream pipeline, follow-redirects, proxy lookup, decompression setup) cost
 * about 0.25 ms of CPU per GHL call against 0.1 ms here, and a follow-up step makes four calls. What the GHL client
 * needs from it: keep-alive, a body sent as given, the answer as text with the headers it names, a total timeout
 * (ECONNABORTED), and network errors with their codes. No redirects (GHL's API does not redirect), no proxies, no
 * compression (we send no Accept-Encoding).
 */
export function createLeanAdapter(answerHeaders: readonly string[]): AxiosAdapter {
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  const bases = new Map<string, Target>();
  return (config) =>
    new Promise<AxiosResponse>((resolve, reject) => {
      const target = targetOf(config, bases);
      const secure = target.protocol === 'https:';
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(config.headers.toJSON() as Record<string, unknown>)) headers[k] = String(v);
      const body = typeof config.data === 'string' ? Buffer.from(config.data) : undefined;
      if (body) headers['Content-Length'] = String(body.length);
      let timer: NodeJS.Timeout | undefined;
      const fail = (err: unknown, code?: string) => {
        clearTimeout(timer);
        reject(
          err instanceof AxiosError
            ? err
            : AxiosError.from(err as Error, code ?? (err as NodeJS.ErrnoException).code, config, req),
        );
      };
      const req = (secure ? https : http).request(
        {
          ...target,
          method: (config.method ?? 'get').toUpperCase(),
          headers,
          agent: secure ? agents.https : agents.http,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_BODY_BYTES)
              req.destroy(new AxiosError('answer too large', AxiosError.ERR_BAD_RESPONSE, config, req));
            else chunks.push(chunk);
          });
          res.on('error', (err) => fail(err));
          res.on('end', () => {
            clearTimeout(timer);
            resolve({
              data: chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'),
              status: res.statusCode ?? 0,
              statusText: res.statusMessage ?? '',
              headers: headersOf(res.headers, answerHeaders),
              config,
              request: req,
            });
          });
        },
      );
      req.on('error', (err) => fail(err));
      if (config.timeout) {
        timer = setTimeout(() => {
          req.destroy(new AxiosError(`timeout of ${config.timeout}ms exceeded`, AxiosError.ECONNABORTED, config, req));
        }, config.timeout);
      }
      req.end(body);
    });
}

/**
 * Only the answer headers the caller reads, as AxiosHeaders: axios turns a plain object into AxiosHeaders twice
 * per answer (transformData, dispatchRequest) and normalizes it, each header looked up against every other by
 * a case-insensitive scan, about 6 us for the dozen headers of a GHL answer even when built once here.
 */
function headersOf(all: http.IncomingHttpHeaders, names: readonly string[]): AxiosHeaders {
  const kept = new AxiosHeaders();
  for (const name of names) {
    const v = all[name];
    if (v !== undefined) kept.set(name, v);
  }
  return kept;
}

interface Target {
  protocol: string;
  hostname: string;
  port: string;
  path: string;
}

/**
 * Where a request goes, as node:http's options: the base URL is parsed once, not per request (a URL object per
 * request and node's conversion of it back to options showed in every profile), and the path is appended as given.
 */
function targetOf(config: InternalAxiosRequestConfig, bases: Map<string, Target>): Target {
  const path = config.url ?? '';
  let target: Target;
  if (!config.baseURL || /^https?:\/\//i.test(path)) target = fromUrl(new URL(path));
  else {
    let base = bases.get(config.baseURL);
    if (!base) {
      base = fromUrl(new URL(config.baseURL));
      bases.set(config.baseURL, base);
    }
    target = { ...base, path: `${base.path.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}` };
  }
  const params = Object.entries((config.params ?? {}) as Record<string, unknown>).filter(
    ([, v]) => v !== undefined && v !== null,
  );
  if (params.length > 0) {
    const query = new URLSearchParams(params.map(([k, v]) => [k, String(v)])).toString();
    target.path += (target.path.includes('?') ? '&' : '?') + query;
  }
  return target;
}

function fromUrl(url: URL): Target {
  // Brackets off an IPv6 host, as node:http wants it.
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return { protocol: url.protocol, hostname, port: url.port, path: url.pathname + url.search };
}
