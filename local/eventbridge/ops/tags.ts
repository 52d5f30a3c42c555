/**
 * Tag operations on buses and rules, by ARN. PutRule's and CreateEventBus's own Tags are set at creation.
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_TagResource.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_ListTagsForResource.html
 */
import { z } from 'zod';
import { DEFAULT_BUS } from '../arns.js';
import { notFound } from '../errors.js';
import type { EmulatorState } from '../state.js';
import type { Operation } from './context.js';
import { parseInput, TagsSchema } from './input.js';

const ResourceArnSchema = z.string().min(1).max(1600);

/** The tags of the bus or rule an ARN of this account and region names, or ResourceNotFoundException. */
const tagsOf = (state: EmulatorState, arn: string): Map<string, string> => {
  const match = /^arn:aws[a-z-]*:events:([^:]*):([^:]*):(event-bus|rule)\/(.+)$/.exec(arn);
  const [, region, account, kind, path = ''] = match ?? [];
  if (!match || region !== state.place.region || account !== state.place.account) {
    throw notFound(`Resource ${arn} does not exist.`);
  }
  if (kind === 'event-bus') {
    const bus = state.buses.get(path);
    if (bus === undefined) throw notFound(`Event bus ${path} does not exist.`);
    return bus.tags;
  }
  // rule/<name> on the default bus, rule/<bus name, which may contain '/'>/<name> elsewhere.
  const cut = path.lastIndexOf('/');
  const busName = cut < 0 ? DEFAULT_BUS : path.slice(0, cut);
  return state.rule(busName, path.slice(cut + 1)).tags;
};

/** TagResource: adds or overwrites tags on a bus or rule. */
export const tagResource: Operation = (input, { state }) => {
  const { ResourceARN, Tags } = parseInput(
    z.object({ ResourceARN: ResourceArnSchema, Tags: TagsSchema }),
    input,
  );
  const tags = tagsOf(state, ResourceARN);
  for (const tag of Tags) tags.set(tag.Key, tag.Value);
  return {};
};

/** UntagResource: removes tags by key; keys that are not there are ignored. */
export const untagResource: Operation = (input, { state }) => {
  const { ResourceARN, TagKeys } = parseInput(
    z.object({ ResourceARN: ResourceArnSchema, TagKeys: z.array(z.string().min(1).max(128)) }),
    input,
  );
  const tags = tagsOf(state, ResourceARN);
  for (const key of TagKeys) tags.delete(key);
  return {};
};

/** ListTagsForResource: the tags of a bus or rule. */
export const listTagsForResource: Operation = (input, { state }) => {
  const { ResourceARN } = parseInput(z.object({ ResourceARN: ResourceArnSchema }), input);
  return { Tags: [...tagsOf(state, ResourceARN)].map(([Key, Value]) => ({ Key, Value })) };
};
