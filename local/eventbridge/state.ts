/**
 * The emulator's in-memory control plane: partner event sources, buses, rules and their targets.
 * Lookups throw the AwsError AWS would answer with, so operations stay short.
 */
import { busArn, DEFAULT_BUS, type Place } from './arns.js';
import { notFound } from './errors.js';
import type { EventEnvelope } from './event.js';
import type { EventPattern } from './pattern.js';

/** A partner source's lifecycle: PENDING until a bus of the same name exists, DELETED once the partner drops it. */
export type EventSourceState = 'PENDING' | 'ACTIVE' | 'DELETED';

/** A partner event source, as the customer account sees it. */
export interface PartnerSource {
  name: string;
  arn: string;
  account: string;
  createdBy: string;
  creationTime: Date;
  expirationTime: Date;
  state: EventSourceState;
}

/** An event bus; a partner bus carries the name of the source it receives from. */
export interface Bus {
  name: string;
  arn: string;
  eventSourceName?: string;
  description?: string;
  creationTime: Date;
  lastModifiedTime: Date;
  /** Tags by key, as CreateEventBus and TagResource set them. */
  tags: Map<string, string>;
}

/** A target as PutTargets stored it (unknown fields are kept so ListTargetsByRule returns them). */
export interface TargetRecord {
  Id: string;
  Arn: string;
  Input?: string;
  InputPath?: string;
  DeadLetterConfig?: { Arn?: string };
  RetryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number };
  [field: string]: unknown;
}

/** A rule on a bus with its parsed pattern and its targets by Id. */
export interface Rule {
  name: string;
  arn: string;
  busName: string;
  eventPattern?: string;
  pattern?: EventPattern;
  scheduleExpression?: string;
  state: string;
  description?: string;
  roleArn?: string;
  targets: Map<string, TargetRecord>;
  /** Tags by key: PutRule sets them only when it creates the rule; TagResource afterwards. */
  tags: Map<string, string>;
}

/** One event the emulator accepted: where it went, which rules matched, or why it was dropped. */
export interface EventRecord {
  event: EventEnvelope;
  busName?: string;
  matchedRules: string[];
  dropped?: 'source-pending';
}

/** All control-plane state of one emulator instance, plus the journal of accepted events. */
export class EmulatorState {
  readonly sources = new Map<string, PartnerSource>();
  readonly buses = new Map<string, Bus>();
  /** Rules by bus name, then by rule name. */
  readonly rules = new Map<string, Map<string, Rule>>();
  readonly events: EventRecord[] = [];

  constructor(readonly place: Place) {
    this.reset();
  }

  /** Forgets everything except the default bus every account has. */
  reset(): void {
    this.sources.clear();
    this.buses.clear();
    this.rules.clear();
    this.events.length = 0;
    const now = new Date();
    this.buses.set(DEFAULT_BUS, {
      name: DEFAULT_BUS,
      arn: busArn(this.place, DEFAULT_BUS),
      creationTime: now,
      lastModifiedTime: now,
      tags: new Map(),
    });
  }

  /** The named source, or ResourceNotFoundException. */
  source(name: string): PartnerSource {
    const source = this.sources.get(name);
    if (source === undefined) throw notFound(`Event source ${name} does not exist.`);
    return source;
  }

  /** The named bus, or ResourceNotFoundException. */
  bus(name: string): Bus {
    const bus = this.buses.get(name);
    if (bus === undefined) throw notFound(`Event bus ${name} does not exist.`);
    return bus;
  }

  /** The rules of a bus that must exist (ResourceNotFoundException otherwise). */
  rulesOf(busName: string): Map<string, Rule> {
    this.bus(busName);
    let rules = this.rules.get(busName);
    if (rules === undefined) {
      rules = new Map();
      this.rules.set(busName, rules);
    }
    return rules;
  }

  /** The named rule on a bus, or ResourceNotFoundException. */
  rule(busName: string, name: string): Rule {
    const rule = this.rulesOf(busName).get(name);
    if (rule === undefined) throw notFound(`Rule ${name} does not exist on EventBus ${busName}.`);
    return rule;
  }
}
