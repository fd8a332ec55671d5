import { type Request, type Response, Router } from 'express';
import type { ApiHandler, ApiRoute } from './api.js';
import { grantIfAny } from './context.js';

/** An API handler as an express route handler, for the requests the sandbox's front leaves to express. */
export function expressHandler(handler: ApiHandler) {
  return (req: Request, res: Response): void => {
    const answer = handler({
      params: req.params,
      query: req.query,
      body: req.body,
      form: Boolean(req.is('application/x-www-form-urlencoded')),
      grant: grantIfAny(req),
    });
    res.status(answer.status).json(answer.body);
    answer.after?.();
  };
}

/** One group of API routes as an express router. */
export function expressRouter(routes: ApiRoute[]): Router {
  const r = Router();
  for (const route of routes) r[route.method](route.path, expressHandler(route.handler));
  return r;
}
