// A video call's camera and meeting, the same for the citizen's page (citizen_video.js) and the operator's video card
// (video_call.js): the Amazon Chime SDK (vendor/chime-sdk.js, built by `make chime`) is imported only here and only
// when someone presses join, so neither page fetches its megabyte before that.
//
// startMedia() shows this person's camera on `self` (the SDK's device controller: its preview), and with
// media "chime" joins the meeting (microphone and camera into it, the other side's tile bound to `remote`, their
// sound to `sound`). media "local" is the local stack: its meeting service is a stand-in with nothing to connect
// to, so the session is made (the SDK reads the meeting and the seat) but never started. Exports: startMedia.

const LOG_NAME = "samvad-video";

// The error to say in words: "no_camera" (none found), "camera_refused" (the person or the browser said no).
export class MediaError extends Error {
  constructor(code, cause) { super(code); this.code = code; this.cause = cause; }
}

// A clean-up step that must not stop the next one (a device already gone, a method this SDK version lacks).
async function quietly(step) {
  try { await step(); } catch { /* nothing more to release */ }
}

export async function startMedia({ sdkUrl, meeting, attendee, media, self, remote, sound, onRemote = () => {} }) {
  const sdk = await import(sdkUrl);
  const logger = new sdk.ConsoleLogger(LOG_NAME, sdk.LogLevel.WARN);
  const devices = new sdk.DefaultDeviceController(logger);
  let camera;
  try {
    const cameras = await devices.listVideoInputDevices();
    if (!cameras.length) throw new MediaError("no_camera");
    camera = cameras[0].deviceId;
    await devices.startVideoInput(camera);
  } catch (error) {
    await quietly(() => devices.destroy());
    if (error instanceof MediaError) throw error;
    throw new MediaError(error?.name === "NotFoundError" ? "no_camera" : "camera_refused", error);
  }
  devices.startVideoPreviewForVideoInput(self);
  self.play?.().catch(() => {});  // autoplay, muted: a phone's browser still wants the nudge

  const session = new sdk.DefaultMeetingSession(new sdk.MeetingSessionConfiguration(meeting, attendee), logger, devices);
  const av = session.audioVideo;
  let started = false;
  if (media === "chime") {
    const microphones = await devices.listAudioInputDevices();
    if (microphones.length) await av.startAudioInput(microphones[0].deviceId);
    av.addObserver({
      videoTileDidUpdate: (tile) => {
        if (!tile.boundAttendeeId) return;
        if (tile.localTile) av.bindVideoElement(tile.tileId, self);
        else { av.bindVideoElement(tile.tileId, remote); onRemote(true); }
      },
      videoTileWasRemoved: () => onRemote(false),
    });
    if (sound) await av.bindAudioElement(sound);
    av.start();
    av.startLocalVideoTile();
    started = true;
  }

  return {
    session,
    async stop() {
      if (started) {
        await quietly(() => av.stopLocalVideoTile());
        await quietly(() => av.stop());
      }
      devices.stopVideoPreviewForVideoInput(self);
      await quietly(() => devices.stopVideoInput());
      await quietly(() => devices.stopAudioInput());
      await quietly(() => devices.destroy());
    },
  };
}
