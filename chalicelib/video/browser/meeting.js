// The part of the Amazon Chime SDK for JavaScript the pages use (the citizen's video page and the operator's video
// card, through chalicelib/console/video_media.js), bundled by `make chime` into chalicelib/console/vendor/
// chime-sdk.js: an ES module the pages import only when someone starts a video call. Built from the npm package at
// test time, never committed.
//
// From the package's index, not its modules one by one: the package is CommonJS whose modules require the index
// back (task/PromoteToPrimaryMeetingTask), and entered anywhere else a class is extended before it is defined.
export {
  ConsoleLogger,
  DefaultDeviceController,
  DefaultMeetingSession,
  LogLevel,
  MeetingSessionConfiguration,
} from "amazon-chime-sdk-js";
