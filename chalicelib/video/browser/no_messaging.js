// Stands in for @aws-sdk/client-chime-sdk-messaging in the bundle (`make chime` aliases it here): the pages use
// meetings, never the SDK's messaging session, and the real client is a fifth of the bundle's weight on a cheap
// phone. Should anything reach for it, it says so instead of failing somewhere obscure.
export class GetMessagingSessionEndpointCommand {
  constructor() { throw new Error("the video pages' bundle has no Chime messaging session"); }
}
