/** The operation router: X-Amz-Target operation name -> handler, built once. Unknown names are refused by the server. */

import { createEventBus, deleteEventBus, describeEventBus, updateEventBus } from './buses.js';
import type { Operation } from './context.js';
import { putEvents, putPartnerEvents } from './events.js';
import { deleteRule, describeRule, listRules, putRule } from './rules.js';
import {
  createPartnerEventSource,
  deletePartnerEventSource,
  describeEventSource,
  listEventSources,
} from './sources.js';
import { listTagsForResource, tagResource, untagResource } from './tags.js';
import { listTargetsByRule, putTargets, removeTargets } from './targets.js';

export type { Operation, OperationContext } from './context.js';

/** Every operation the emulator implements, by its AWSEvents.<Op> name. */
export const operations: Readonly<Record<string, Operation>> = {
  CreatePartnerEventSource: createPartnerEventSource,
  DeletePartnerEventSource: deletePartnerEventSource,
  ListEventSources: listEventSources,
  DescribeEventSource: describeEventSource,
  CreateEventBus: createEventBus,
  DescribeEventBus: describeEventBus,
  UpdateEventBus: updateEventBus,
  DeleteEventBus: deleteEventBus,
  PutRule: putRule,
  DescribeRule: describeRule,
  ListRules: listRules,
  DeleteRule: deleteRule,
  PutTargets: putTargets,
  ListTargetsByRule: listTargetsByRule,
  RemoveTargets: removeTargets,
  PutPartnerEvents: putPartnerEvents,
  PutEvents: putEvents,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
};
