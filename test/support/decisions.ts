/** Comparing decisions across evaluation paths in tests. */
import type { Decision } from './bylaw.js';

/** The parts of a decision every path (plain, explained, generated code, interpreter) must agree on. */
export function essence(d: Decision) {
  return {
    outcome: d.outcome,
    admission: d.admission,
    tier: d.tier?.id,
    possible: d.possible?.map((p) => p.id),
    vetoedBy: d.vetoedBy?.id,
    outcomeLabel: d.outcomeLabel,
    benefits: d.benefits.map((b) => b.id),
    priorities: d.priorities.map((p) => `${p.id}:${String(p.met)}`),
  };
}
