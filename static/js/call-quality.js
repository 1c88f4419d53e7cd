// The call's fallback ladder at work: every 2 s the link is judged from getStats and
// the video sender is stepped between full video, low video and audio only. The rules
// are ladder.js's pure functions; this module applies them to a peer connection.

import { LEVELS, assess, step } from "./ladder.js";
import { selectedCandidatePair } from "./rtc-stats.js";

// The low rung: about 180p at 200 kbps or less.
const LOW_VIDEO = { maxBitrate: 200_000, maxHeight: 180 };
const STATS_EVERY_MS = 2000;

// `peer()` returns the current RTCPeerConnection (or null); `send(message)` goes out
// through signaling. The page hears back through `onLevel(level, previous, announce)`
// and `onQuality(quality)` ("good", "poor" or "weak").
export class QualityLadder {
  constructor({ peer, send, onLevel, onQuality, manual = false }) {
    this.peer = peer;
    this.send = send;
    this.onLevel = onLevel;
    this.onQuality = onQuality;
    // The person chose audio only: the ladder then only measures, it does not climb.
    this.manual = manual;
    this.level = LEVELS.FULL;
    this.badSamples = 0;
    this.goodSamples = 0;
    this.timer = null;
  }

  watch() {
    this.timer = setInterval(() => this.check(), STATS_EVERY_MS);
  }

  stop() {
    clearInterval(this.timer);
  }

  videoSender() {
    const pc = this.peer();
    return pc && pc.getSenders().find((sender) => sender.track && sender.track.kind === "video");
  }

  async setLevel(newLevel, announce = true) {
    const sender = this.videoSender();
    if (!sender) return;
    const params = sender.getParameters();
    if (!params.encodings || !params.encodings.length) params.encodings = [{}];
    const encoding = params.encodings[0];
    const settings = sender.track.getSettings();
    if (newLevel === LEVELS.FULL) {
      delete encoding.maxBitrate;
      encoding.scaleResolutionDownBy = 1;
      encoding.active = true;
    } else if (newLevel === LEVELS.LOW) {
      encoding.maxBitrate = LOW_VIDEO.maxBitrate;
      encoding.scaleResolutionDownBy = Math.max(1, (settings.height || 360) / LOW_VIDEO.maxHeight);
      encoding.active = true;
    } else {
      encoding.active = false;
    }
    await sender.setParameters(params).catch(() => {});
    const previous = this.level;
    this.level = newLevel;
    this.send({ type: "state", audioOnly: this.level === LEVELS.AUDIO });
    this.onLevel(this.level, previous, announce);
  }

  async check() {
    const pc = this.peer();
    if (!pc || pc.connectionState !== "connected") return;
    const report = await pc.getStats();
    const pair = selectedCandidatePair(report);
    const rtt = pair ? (pair.currentRoundTripTime ?? null) : null;
    const bitrate = pair ? (pair.availableOutgoingBitrate ?? null) : null;
    let loss = 0;
    report.forEach((stat) => {
      if (stat.type === "remote-inbound-rtp" && typeof stat.fractionLost === "number") {
        loss = Math.max(loss, stat.fractionLost);
      }
    });
    const quality = assess({ bitrate, loss, rtt });
    this.onQuality(quality);
    if (this.manual) return;
    const next = step({ level: this.level, bad: this.badSamples, good: this.goodSamples }, quality);
    this.badSamples = next.bad;
    this.goodSamples = next.good;
    if (next.level !== this.level) await this.setLevel(next.level);
  }
}
