import { CreatePartnerEventSourceCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { EventSourceHook } from './resolvers.js';

/** EventBridge clients of the partner, one per region it creates sources in. */
export interface PartnerClients {
  clientFor(region: string): EventBridgeClient;
  destroy(): void;
}

/**
 * The partner's EventBridge clients, one per region, all against `endpoint` (the emulator; the SDK's
 * default chain when omitted): a source is created in the region BigCommerce was asked for.
 */
export const partnerClients = (
  options: { endpoint?: string; credentials?: { accessKeyId: string; secretAccessKey: string } } = {},
): PartnerClients => {
  const clients = new Map<string, EventBridgeClient>();
  return {
    clientFor: (region) => {
      let client = clients.get(region);
      if (!client) {
        client = new EventBridgeClient({ region, ...options });
        clients.set(region, client);
      }
      return client;
    },
    destroy: () => {
      for (const client of clients.values()) client.destroy();
      clients.clear();
    },
  };
};

/**
 * The createEventSource hook of the offline stack: does what BigCommerce does as an EventBridge partner,
 * `CreatePartnerEventSource` for the customer's account, in the region createEventSource named (the
 * request is signed for that region, so an emulator of another region never sees the source, as in AWS).
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreatePartnerEventSource.html
 */
export const partnerSourceHook =
  (clients: Pick<PartnerClients, 'clientFor'>): EventSourceHook =>
  async (source) => {
    await clients
      .clientFor(source.region)
      .send(new CreatePartnerEventSourceCommand({ Name: source.name, Account: source.awsAccount }));
  };
