import { attributeJob } from './followup/attribute-job.js';
import { confirmOptOutJob, dndWriteJob } from './followup/consent-jobs.js';
import type { AppDeps } from './app.js';
import { webhookHandlers } from './fan-out.js';
import { locationRefreshJob } from './installations/location-profile.js';
import { stepJob } from './followup/step-job.js';
import { triageTaskJob } from './followup/triage-jobs.js';
import { voiceAiTaskJob } from './followup/voice-ai-task-job.js';
import { opportunityCheckJob } from './followup/opportunity-check.js';
import { sweepJob } from './followup/sweep.js';
import { digestJob } from './reporting/digest.js';
import { retentionJob } from './retention/job.js';
import { webhookProcessJob } from './webhooks/process.js';
import { createRegistry, type JobRegistry } from './jobs/registry.js';

/** Every job kind the worker runs, each with its payload schema and handler, bound to the process's deps. */
export function buildJobRegistry(deps: AppDeps): JobRegistry {
  const { ghl, users } = deps;
  return createRegistry([
    webhookProcessJob(deps, webhookHandlers(deps)),
    retentionJob(deps),
    attributeJob(deps, ghl),
    stepJob(deps, ghl, users),
    digestJob(deps, ghl),
    sweepJob(deps, ghl),
    dndWriteJob(deps, ghl),
    confirmOptOutJob(deps, ghl),
    locationRefreshJob(deps, ghl),
    triageTaskJob(deps, ghl),
    voiceAiTaskJob(deps, ghl),
    opportunityCheckJob(deps, ghl),
  ]);
}
