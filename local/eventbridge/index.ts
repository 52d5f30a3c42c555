/** The EventBridge emulator's public surface: start it, inspect it, inject faults, match patterns. */
export type { DeliveryOutcome, DeliveryRecord } from './delivery.js';
export {
  type EmulatorInspection,
  type EmulatorLogger,
  type EventBridgeEmulator,
  type EventBridgeEmulatorOptions,
  startEventBridgeEmulator,
} from './emulator.js';
export type { AwsErrorCode } from './errors.js';
export type { EventEnvelope } from './event.js';
export type { DeliveryFault, Faults, OperationFault } from './faults.js';
export { type EventPattern, matchesEventPattern } from './pattern.js';
export { InvalidEventPatternError, parseEventPattern } from './pattern-validate.js';
export type { Bus, EventRecord, EventSourceState, PartnerSource, Rule, TargetRecord } from './state.js';
