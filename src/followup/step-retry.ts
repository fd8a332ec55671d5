import type { Deps } from '../deps.js';
import type { GhlApi } from '../ghl/api.js';
import { settleStep } from './settle.js';
import type { RenderedStep } from '../core/step-content.js';
import type { StepFacts } from './step-facts.js';
import { findSent, markDone } from './step-send.js';

/**
 * A step left 'sending' by an attempt whose outcome is unknown (GHL 5xx, a timeout, a worker that died). The
 * retry first asks GHL whether the message or task exists; when it does, the step is done. When it does not,
 * nothing went out, and the step goes back to 'pending' under the run's lock: the caller then decides it again
 * from scratch, so a STOP, a DND, a closed window, the cap or a run that ended since the first attempt all count
 * (docs/design.md §1.5: guards before every send attempt, a retry included). 'sent' when GHL already has it.
 */
export async function settleUnknownSend(deps: Deps, ghl: GhlApi, facts: StepFacts): Promise<'sent' | 'unsent'> {
  const { step, run } = facts;
  const content = step.rendered as RenderedStep | null;
  if (content) {
    const found = await findSent(ghl, step.location_id, step.contact_id, content, step.intent_at ?? run.started_at);
    if (found) {
      await markDone(deps, facts, found, content, { recovered: true, restChecked: false });
      return 'sent';
    }
  }
  await settleStep(deps.db, {
    runStepId: step.id,
    from: ['sending'],
    to: 'pending',
    reason: null,
    event: {
      kind: 'retry-checked',
      detail: {
        text: 'The last attempt did not reach the contact; every rule was checked again before trying once more.',
      },
    },
    at: deps.clock.now(),
  });
  return 'unsent';
}
