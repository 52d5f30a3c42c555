/** What every operation is given: the state it reads and changes, and the delivery it starts. */
import type { Delivery } from '../delivery.js';
import type { EmulatorState } from '../state.js';

/** The dependencies of an operation handler. */
export interface OperationContext {
  state: EmulatorState;
  delivery: Delivery;
  /** Who sent this call: the region its SigV4 signature is scoped to, when it is signed. */
  caller?: { region?: string };
}

/** One X-Amz-Target operation: a parsed JSON body in, a JSON-serialisable result out, or a thrown AwsError. */
export type Operation = (input: unknown, context: OperationContext) => unknown;
