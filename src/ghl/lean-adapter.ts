// Speed: replaces axios's own node:http adapter; CPU per GHL call about 0.25 -> 0.1 ms, four calls a step (commit f99be90).
import http from 'node:http';
import https from 'node:https';
import { type AxiosAdapter, AxiosError, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';

/** A GHL answer larger than this is not an answer we asked for. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

/**
 * axios's request path with a lean transport: axios keeps the interface (config, interceptors, AxiosError codes),
 * node:http carries the bytes. Measured on the bench machine, axios's own http adapter (stream pipeline,
 * follow-redirects, proxy lookup, decompression setup) cost about 0.25 ms of CPU per GHL call against 0.1 ms
 * here, and a follow-up step makes four calls. What the GHL client needs from it: keep-alive, a body sent as
 * given, the answer as text, a total timeout (ECONNABORTED), and network errors with their codes. No redirects
 * (GHL's API does not redirect), no proxies, no compression (we send no Accept-Encoding).
 */
export function createLeanAdapter(): AxiosAdapter {
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  return (config) =>
    new Promise<AxiosResponse>((resolve, reject) => {
      const url = fullUrl(config);
      const secure = url.protocol === 'https:';
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(config.headers.toJSON() as Record<string, unknown>)) {
        if (v !== undefined && v !== null && v !== false) headers[k] = String(v);
      }
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
        url,
        { method: (config.method ?? 'get').toUpperCase(), headers, agent: secure ? agents.https : agents.http },
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
              data: Buffer.concat(chunks).toString('utf8'),
              status: res.statusCode ?? 0,
              statusText: res.statusMessage ?? '',
              headers: res.headers as AxiosResponse['headers'],
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

function fullUrl(config: InternalAxiosRequestConfig): URL {
  const path = config.url ?? '';
  const base =
    config.baseURL && !/^https?:\/\//i.test(path)
      ? `${config.baseURL.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`
      : path;
  const url = new URL(base);
  const params = (config.params ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) url.searchParams.append(k, String(v));
  return url;
}
