import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { loadContact } from './contacts.js';
import { GhlError, param, sendJson } from './ghl-http.js';
import type { Task } from './model.js';
import type { Deps } from './records.js';

const CreateTask = z.object({
  title: z.string().min(1),
  body: z.string().optional(),
  dueDate: z.iso.datetime({ offset: true }),
  completed: z.boolean(),
  assignedTo: z.string().optional(),
});

const Completed = z.object({ completed: z.boolean() });

/** The documented task response: `{id,title,body,assignedTo,dueDate,completed,contactId}`. */
export function taskView(t: Task): Record<string, unknown> {
  return {
    id: t.id,
    title: t.title,
    body: t.body,
    assignedTo: t.assignedTo,
    dueDate: t.dueDate,
    completed: t.completed,
    contactId: t.contactId,
  };
}

function loadTask(deps: Deps, req: Request): Task {
  const contact = loadContact(deps, req);
  const task = deps.store.task(param(req, 'taskId'));
  if (!task || task.contactId !== contact.id) throw new GhlError(404, 'Task not found');
  return task;
}

function create(deps: Deps) {
  return (req: Request, res: Response): void => {
    const contact = loadContact(deps, req);
    const body = CreateTask.parse(req.body);
    if (body.assignedTo !== undefined && !deps.store.user(contact.locationId, body.assignedTo)) {
      throw new GhlError(422, [`assignedTo ${body.assignedTo} is not a user of this location`]);
    }
    const task: Task = {
      id: deps.ids.next('task'),
      locationId: contact.locationId,
      contactId: contact.id,
      title: body.title,
      body: body.body ?? null,
      assignedTo: body.assignedTo ?? null,
      dueDate: new Date(body.dueDate).toISOString(),
      completed: body.completed,
      dateAdded: deps.clock.now().toISOString(),
    };
    deps.store.addTask(task);
    sendJson(res, 201, { task: taskView(task) });
  };
}

function list(deps: Deps) {
  return (req: Request, res: Response): void => {
    const contact = loadContact(deps, req);
    sendJson(res, 200, { tasks: deps.store.tasks(contact.locationId, contact.id).map(taskView) });
  };
}

function complete(deps: Deps) {
  return (req: Request, res: Response): void => {
    const task = loadTask(deps, req);
    task.completed = Completed.parse(req.body).completed;
    sendJson(res, 200, { task: taskView(task) });
  };
}

export function tasksRouter(deps: Deps): Router {
  const r = Router();
  r.post('/contacts/:contactId/tasks', create(deps));
  r.get('/contacts/:contactId/tasks', list(deps));
  r.get('/contacts/:contactId/tasks/:taskId', (req, res) => sendJson(res, 200, { task: taskView(loadTask(deps, req)) }));
  r.put('/contacts/:contactId/tasks/:taskId/completed', complete(deps));
  return r;
}
