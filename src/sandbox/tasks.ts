import { z } from 'zod';
import { type Answer, type ApiCall, type ApiRoute, param, traced } from './api.js';
import { loadContact } from './contact-load.js';
import { GhlError } from './ghl-http.js';
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

/** apps/contacts.json UpdateTaskBody: every field optional; the ones sent replace the task's. */
const UpdateTask = z.object({
  title: z.string().min(1).optional(),
  body: z.string().optional(),
  dueDate: z.iso.datetime({ offset: true }).optional(),
  completed: z.boolean().optional(),
  assignedTo: z.string().optional(),
});

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

function loadTask(deps: Deps, call: ApiCall): Task {
  const contact = loadContact(deps, call);
  const task = deps.store.task(param(call, 'taskId'));
  if (!task || task.contactId !== contact.id) throw new GhlError(404, 'Task not found');
  return task;
}

function create(deps: Deps) {
  return (call: ApiCall): Answer => {
    const contact = loadContact(deps, call);
    const body = CreateTask.parse(call.body);
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
    return traced(201, { task: taskView(task) });
  };
}

function list(deps: Deps) {
  return (call: ApiCall): Answer => {
    const contact = loadContact(deps, call);
    return traced(200, { tasks: deps.store.tasks(contact.locationId, contact.id).map(taskView) });
  };
}

function complete(deps: Deps) {
  return (call: ApiCall): Answer => {
    const task = loadTask(deps, call);
    task.completed = Completed.parse(call.body).completed;
    return traced(200, { task: taskView(task) });
  };
}

/** `PUT /contacts/{contactId}/tasks/{taskId}` (update-task): answers TaskByIsSuccessfulResponseDto `{task}`. */
function update(deps: Deps) {
  return (call: ApiCall): Answer => {
    const task = loadTask(deps, call);
    const change = UpdateTask.parse(call.body);
    if (change.assignedTo !== undefined && !deps.store.user(task.locationId, change.assignedTo)) {
      throw new GhlError(422, [`assignedTo ${change.assignedTo} is not a user of this location`]);
    }
    if (change.title !== undefined) task.title = change.title;
    if (change.body !== undefined) task.body = change.body;
    if (change.dueDate !== undefined) task.dueDate = new Date(change.dueDate).toISOString();
    if (change.completed !== undefined) task.completed = change.completed;
    if (change.assignedTo !== undefined) task.assignedTo = change.assignedTo;
    return traced(200, { task: taskView(task) });
  };
}

export function taskRoutes(deps: Deps): ApiRoute[] {
  return [
    { method: 'post', path: '/contacts/:contactId/tasks', handler: create(deps) },
    { method: 'get', path: '/contacts/:contactId/tasks', handler: list(deps) },
    {
      method: 'get',
      path: '/contacts/:contactId/tasks/:taskId',
      handler: (call) => traced(200, { task: taskView(loadTask(deps, call)) }),
    },
    { method: 'put', path: '/contacts/:contactId/tasks/:taskId', handler: update(deps) },
    { method: 'put', path: '/contacts/:contactId/tasks/:taskId/completed', handler: complete(deps) },
  ];
}
