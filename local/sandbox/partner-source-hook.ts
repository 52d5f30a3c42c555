import { CreatePartnerEventSourceCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { EventSourceHook } from './resolvers.js';

/**
 * The createEventSource hook of the offline stack: does what BigCommerce does as an EventBridge partner,
 * `CreatePartnerEventSource` for the customer's account, against the EventBridge the client points at
 * (the project's emulator through `AWS_ENDPOINT_URL_EVENTBRIDGE`).
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreatePartnerEventSource.html
 */
export const partnerSourceHook =
  (eventBridge: EventBridgeClient): EventSourceHook =>
  async (source) => {
    await eventBridge.send(
      new CreatePartnerEventSourceCommand({ Name: source.name, Account: source.awsAccount }),
    );
  };
