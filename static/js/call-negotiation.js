// The call's RTCPeerConnection: perfect negotiation of offers, answers and ICE
// candidates relayed by the signaling socket, ICE restarts, and fresh TURN credentials.
//
// The client is the polite peer, the specialist the impolite one
// (https://w3c.github.io/webrtc-pc/#perfect-negotiation-example). Perfect negotiation
// survives two offers crossing, but the side that rolls back must gather its ICE
// candidates again, and with a relay alone that has stalled for good in Chromium. So
// offers do not cross by design: when the specialist lets the client in, the specialist
// makes the first offer and the client adds its camera and microphone as it answers;
// the specialist leads ICE restarts. A page opened (or reloaded) in a call already
// under way offers at once, whichever side it is: the other side is not offering.

import { selectedPairUsesRelay } from "./rtc-stats.js";

// How long the link may stay "disconnected" before ICE is restarted.
const DISCONNECTED_GRACE_MS = 4000;
// How long the client waits for the specialist to restart ICE before it does.
const POLITE_RESTART_DELAY_MS = 10_000;

// `send(message)` goes out through signaling; `relayOnly` sends all media through the
// TURN relay. The page hears back through `onTrack(stream)`, `onConnectionState(state)`
// and `onFirstAnswer()` (the client's camera and microphone have just been added).
export class Negotiation {
  constructor({ polite, relayOnly, send, onTrack, onConnectionState, onFirstAnswer }) {
    this.polite = polite;
    this.relayOnly = relayOnly;
    this.send = send;
    this.onTrack = onTrack;
    this.onConnectionState = onConnectionState;
    this.onFirstAnswer = onFirstAnswer;
    this.iceServers = [];
    this.pc = null;
    this.localStream = null;
    this.makingOffer = false;
    this.ignoreOffer = false;
    this.tracksAdded = false;
    this.disconnectTimer = null;
    // Offers, answers and candidates that arrive before the peer connection exists
    // (getUserMedia can take seconds) wait here and are replayed in order; dropping
    // them would leave perfect negotiation waiting for an answer that never comes.
    this.pendingSignals = [];
    // True once the peer connection exists and every held signal has been replayed.
    // Until then new offers, answers and candidates join the queue behind the held
    // ones, so a candidate is never applied before the offer it belongs to.
    this.signalsFlowing = false;
  }

  get connectionState() {
    return this.pc ? this.pc.connectionState : "new";
  }

  configuration() {
    return { iceServers: this.iceServers, iceTransportPolicy: this.relayOnly ? "relay" : "all" };
  }

  // Makes the peer connection, then replays what signaling held back. `offerFirst`:
  // send our tracks (and so an offer) at once instead of with the first answer.
  async start(localStream, { offerFirst }) {
    this.localStream = localStream;
    this.createPeerConnection(offerFirst);
    // Signals that arrive while these replay are queued behind them (signalsFlowing is
    // still false); the loop ends only when the queue is empty.
    while (this.pendingSignals.length) {
      const held = this.pendingSignals.shift();
      try {
        if (held.type === "ice") await this.applyCandidate(held);
        else await this.applyDescription(held);
      } catch (error) {
        console.warn("held signal", held.type, error); // the next offer repairs it
      }
    }
    this.signalsFlowing = true;
  }

  createPeerConnection(offerFirst) {
    const pc = new RTCPeerConnection(this.configuration());
    this.pc = pc;
    if (offerFirst) {
      this.addLocalTracks();
      // With neither camera nor microphone, still offer, to receive the client's.
      if (!this.localStream.getTracks().length) {
        pc.addTransceiver("audio", { direction: "recvonly" });
        pc.addTransceiver("video", { direction: "recvonly" });
      }
    }
    pc.addEventListener("track", ({ streams }) => this.onTrack(streams[0]));
    // What ICE does, for support staff reading the console (and for tests that fail).
    pc.addEventListener("icegatheringstatechange", () => {
      console.debug("ice gathering", pc.iceGatheringState);
    });
    pc.addEventListener("iceconnectionstatechange", () => {
      console.debug("ice connection", pc.iceConnectionState);
    });
    pc.addEventListener("icecandidateerror", (event) => {
      console.debug("ice candidate error", event.errorCode, event.errorText, event.url);
    });
    pc.addEventListener("icecandidate", ({ candidate }) => {
      if (candidate) console.debug("ice candidate", candidate.type, candidate.protocol);
      // All three fields always, never toJSON(): its usernameFragment is refused.
      this.send({
        type: "ice",
        candidate: candidate ? candidate.candidate : null,
        sdpMid: candidate ? candidate.sdpMid : null,
        sdpMLineIndex: candidate ? candidate.sdpMLineIndex : null,
      });
    });
    pc.addEventListener("negotiationneeded", async () => {
      try {
        this.makingOffer = true;
        await pc.setLocalDescription();
        this.send({ type: pc.localDescription.type, sdp: pc.localDescription.sdp });
      } finally {
        this.makingOffer = false;
      }
    });
    pc.addEventListener("connectionstatechange", () => {
      console.debug("connection", pc.connectionState, "signaling", pc.signalingState);
      this.watchConnection(pc.connectionState);
      this.onConnectionState(pc.connectionState);
    });
  }

  watchConnection(state) {
    const restart = () => this.restartIce();
    if (state === "connected") {
      clearTimeout(this.disconnectTimer);
    } else if (state === "disconnected") {
      // Give the link a few seconds to come back on its own, then restart ICE (the
      // client later, only if the specialist's restart has not come).
      clearTimeout(this.disconnectTimer);
      const delay = DISCONNECTED_GRACE_MS + (this.polite ? POLITE_RESTART_DELAY_MS : 0);
      this.disconnectTimer = setTimeout(restart, delay);
    } else if (state === "failed") {
      clearTimeout(this.disconnectTimer);
      if (this.polite) this.disconnectTimer = setTimeout(restart, POLITE_RESTART_DELAY_MS);
      else restart();
    }
  }

  restartIce() {
    const pc = this.pc;
    if (pc && pc.signalingState !== "closed" && pc.connectionState !== "connected") {
      console.debug("ice restart");
      pc.restartIce();
    }
  }

  addLocalTracks() {
    if (this.tracksAdded) return;
    this.tracksAdded = true;
    // On the client this runs between the specialist's offer and the answer: addTrack
    // takes the transceivers the offer made, so the answer sends at once and no offer
    // of the client's own follows.
    for (const track of this.localStream.getTracks()) this.pc.addTrack(track, this.localStream);
  }

  async onDescription(description) {
    if (!this.signalsFlowing) {
      this.pendingSignals.push({ type: description.type, sdp: description.sdp });
      return;
    }
    await this.applyDescription(description);
  }

  async applyDescription(description) {
    const pc = this.pc;
    const collision =
      description.type === "offer" && (this.makingOffer || pc.signalingState !== "stable");
    this.ignoreOffer = !this.polite && collision;
    if (this.ignoreOffer) return;
    await pc.setRemoteDescription(description);
    if (description.type === "offer") {
      const firstAnswer = !this.tracksAdded;
      this.addLocalTracks();
      await pc.setLocalDescription();
      this.send({ type: pc.localDescription.type, sdp: pc.localDescription.sdp });
      if (firstAnswer) await this.onFirstAnswer();
    }
  }

  async onCandidate(message) {
    if (!this.signalsFlowing) {
      this.pendingSignals.push(message);
      return;
    }
    await this.applyCandidate(message);
  }

  async applyCandidate(message) {
    try {
      await this.pc.addIceCandidate(
        message.candidate === null
          ? null
          : { candidate: message.candidate, sdpMid: message.sdpMid, sdpMLineIndex: message.sdpMLineIndex },
      );
    } catch (error) {
      if (!this.ignoreOffer) console.warn("candidate", error);
    }
  }

  // Fresh TURN credentials before the old ones expire. The relay refuses to keep an
  // allocation alive once its credential has expired, so when the call runs through
  // the relay the specialist (who leads ICE restarts) restarts ICE: both sides then
  // gather new relay candidates with the new credentials, while the media keeps the
  // old path until the new one is ready.
  async renewIceServers(servers) {
    this.iceServers = servers;
    const pc = this.pc;
    if (!pc || pc.signalingState === "closed") return;
    pc.setConfiguration(this.configuration());
    if (!this.polite && (await this.relayInUse())) {
      console.debug("ice restart for fresh relay credentials");
      pc.restartIce();
    }
  }

  async relayInUse() {
    if (!this.pc) return false;
    return selectedPairUsesRelay(await this.pc.getStats());
  }

  // Frames of video this side has encoded ("outbound-rtp") or decoded ("inbound-rtp").
  async videoFrames(type, field) {
    if (!this.pc) return 0;
    let frames = 0;
    (await this.pc.getStats()).forEach((stat) => {
      if (stat.type === type && stat.kind === "video") frames += stat[field] || 0;
    });
    return frames;
  }

  close() {
    clearTimeout(this.disconnectTimer);
    if (this.pc) this.pc.close();
  }
}
