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
  /** The customer account the partner created it for. */
  account: string;
  /** The region the partner created it in (the region its request was signed for). */
  region: string;
  createdBy: string;
  creationTime: Date;
  expirationTime: Date;
  state: EventSourceState;
  /**
   * How many more ListEventSources calls (first pages) leave it out; until then DescribeEventSource and
   * CreateEventBus do not find it either. Set from {@link Behaviour.sourceHiddenForLists}.
   */
  hiddenForLists: number;
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
  /** Event bus logging, as CreateEventBus and UpdateEventBus set it (absent: never set). */
  logConfig?: { IncludeDetail?: 'NONE' | 'FULL'; Level?: 'OFF' | 'ERROR' | 'INFO' | 'TRACE' };
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
  /** What event matching sees of the rule: its state a propagation delay ago (see {@link Behaviour}). */
  visible?: { pattern?: EventPattern; state: string; targets: Map<string, TargetRecord> };
  /** Until then (epoch ms, on the state's clock), DeleteRule still sees the targets RemoveTargets just removed. */
  removedTargetsSeenUntil?: number;
  /** Tags by key: PutRule sets them only when it creates the rule; TagResource afterwards. */
  tags: Map<string, string>;
}

/** One event the emulator accepted: where it went, which rules matched, or why it was dropped. */
export interface EventRecord {
  event: EventEnvelope;
  busName?: string;
  matchedRules: string[];
  dropped?: 'source-pending' | 'source-elsewhere';
}

/**
 * AWS's default quotas and the eventual consistency EventBridge documents, as the emulator applies them.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html ("allow a short period of time for changes to take effect")
 */
export interface Behaviour {
  /** Event buses per account and region besides the default one (AWS: 100). */
  eventBuses: number;
  /** Rules per event bus (AWS: 300). */
  rulesPerBus: number;
  /** A rule or target change reaches event matching this long after the call; 0, at once. */
  propagationMs: number;
  /** For this long after RemoveTargets or DeleteRule, DeleteRule or DeleteEventBus still see what went. */
  deleteWindowMs: number;
  /**
   * A new partner source is left out of this many ListEventSources calls before it shows (0: at once), as
   * a partner source just created can take a moment to reach the customer's account.
   */
  sourceHiddenForLists: number;
  /**
   * The most items a List call answers per page, whatever its Limit (AWS may answer fewer than Limit, with
   * a NextToken); a small one makes tests walk the pages.
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ListEventSources.html
   */
  maxPageSize: number;
}

export const DEFAULT_BEHAVIOUR: Behaviour = {
  eventBuses: 100,
  rulesPerBus: 300,
  propagationMs: 0,
  deleteWindowMs: 0,
  sourceHiddenForLists: 0,
  maxPageSize: 100,
};

/** All control-plane state of one emulator instance, plus the journal of accepted events. */
export class EmulatorState {
  /** Quotas and consistency; the emulator's options set them. */
  behaviour: Behaviour = { ...DEFAULT_BEHAVIOUR };
  /** Until then (epoch ms, on {@link EmulatorState.now}), DeleteEventBus still sees the rules DeleteRule just deleted, by bus. */
  readonly deletedRulesSeenUntil = new Map<string, number>();
  private readonly propagating = new Set<NodeJS.Timeout>();
  private settledWaiters: (() => void)[] = [];

  /**
   * Makes the rule's current pattern, state and targets what matching sees, after the propagation delay.
   */
  propagate(rule: Rule): void {
    const snapshot = {
      ...(rule.pattern && { pattern: rule.pattern }),
      state: rule.state,
      targets: new Map(rule.targets),
    };
    if (this.behaviour.propagationMs <= 0) {
      rule.visible = snapshot;
      return;
    }
    const timer = setTimeout(() => {
      this.propagating.delete(timer);
      rule.visible = snapshot;
      if (this.propagating.size === 0) for (const resolve of this.settledWaiters.splice(0)) resolve();
    }, this.behaviour.propagationMs);
    this.propagating.add(timer);
  }

  /** Resolves once every rule and target change made so far reaches event matching. */
  settled(): Promise<void> {
    if (this.propagating.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  /** Cancels pending propagation (on close and reset). */
  stopPropagating(): void {
    for (const timer of this.propagating) clearTimeout(timer);
    this.propagating.clear();
    for (const resolve of this.settledWaiters.splice(0)) resolve();
  }

  readonly sources = new Map<string, PartnerSource>();
  readonly buses = new Map<string, Bus>();
  /** Rules by bus name, then by rule name. */
  readonly rules = new Map<string, Map<string, Rule>>();
  readonly events: EventRecord[] = [];

  /**
   * @param now The clock the delete windows are measured on (epoch ms); tests pass a fake one so a window
   *   passes when the test says, not after a real wait.
   */
  constructor(
    readonly place: Place,
    readonly now: () => number = Date.now,
  ) {
    this.reset();
  }

  /** Forgets everything except the default bus every account has. */
  reset(): void {
    this.stopPropagating();
    this.deletedRulesSeenUntil.clear();
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

  /**
   * True for a source this account sees: created for this account, in this region. A partner source made
   * for another account or region exists, but never shows here, as in AWS.
   */
  sees(source: PartnerSource): boolean {
    return source.account === this.place.account && source.region === this.place.region;
  }

  /** True for a source this account sees and that has already reached its listings. */
  lists(source: PartnerSource): boolean {
    return this.sees(source) && source.hiddenForLists <= 0;
  }

  /** The named source as this account sees it, or ResourceNotFoundException. */
  source(name: string): PartnerSource {
    const source = this.sources.get(name);
    if (source === undefined || !this.lists(source)) throw notFound(`Event source ${name} does not exist.`);
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
