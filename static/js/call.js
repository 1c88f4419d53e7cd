// The consultation call: signaling over a WebSocket (docs/signaling.md), media over
// WebRTC with perfect negotiation, a fallback ladder for weak links, and reconnection.
//
// The client is the polite peer, the specialist the impolite one
// (https://w3c.github.io/webrtc-pc/#perfect-negotiation-example). Perfect negotiation
// survives two offers crossing, but the side that rolls back must gather its ICE
// candidates again, and with a relay alone that has stalled for good in Chromium. So
// offers do not cross by design: when the specialist lets the client in, the specialist
// makes the first offer and the client adds its camera and microphone as it answers;
// the specialist leads ICE restarts. A page opened (or reloaded) in a call already
// under way offers at once, whichever side it is: the other side is not offering.

import { assess, step } from "./ladder.js";

const root = document.getElementById("call");
const T = JSON.parse(document.getElementById("call-strings").textContent);
const role = root.dataset.role;
const polite = role === "client";
const statusEl = root.querySelector("[data-call-status]");
const qualityEl = root.querySelector("[data-call-quality]");
const remoteStateEl = root.querySelector("[data-remote-state]");
const waitingEl = root.querySelector("[data-waiting]");
const afterEl = root.querySelector("[data-after]");
const controlsEl = root.querySelector("[data-controls]");
const remoteVideo = document.getElementById("remote-video");
const localVideo = document.getElementById("local-video");
const chatLog = root.querySelector("[data-chat-log]");
const chatForm = root.querySelector("[data-chat-form]");
const PREF_KEY = "komak.call.audioOnly";

// Ladder levels: 0 full video, 1 low video (about 180p, 200 kbps or less), 2 audio only.
const LOW_VIDEO = { maxBitrate: 200_000, maxHeight: 180 };
const STATS_EVERY_MS = 2000;

let ws = null;
let wsAttempt = 0;
let socketOpens = 0;
let signalChain = Promise.resolve();
let refusals = 0;
const MAX_REFUSALS = 3;
let closedOnPurpose = false;
// Close codes that end the call for good, and the words for each (T's keys).
const RIGHT_ENDED = { 4408: "timeOver", 4410: "cancelled", 4451: "consentWithdrawn" };
// The signaling socket dropped during the call and has not come back yet.
let serviceLost = false;
let iceServers = [];
let admitted = false;
let pc = null;
let localStream = null;
let makingOffer = false;
let ignoreOffer = false;
let level = 0;
let manualAudioOnly = localStorage.getItem(PREF_KEY) === "1";
let badSamples = 0;
let goodSamples = 0;
let statsTimer = null;
let disconnectTimer = null;
let tracksAdded = false;
// This page opened into a call already admitted (a reload, a second device).
let joinedInProgress = false;
// How long the client waits for the specialist to restart ICE before it does.
const POLITE_RESTART_DELAY_MS = 10_000;

function say(text) {
  statusEl.textContent = text;
}

// The server allows 20 messages a second per socket, counted as they arrive. Trickled
// ICE candidates come in bursts and a slow link delivers frames in clumps, so messages
// leave through a queue at most one every 100 ms: half the limit, as headroom.
const SEND_SPACING_MS = 100;
const outbox = [];
let sendTimer = null;

function send(message) {
  outbox.push(JSON.stringify(message));
  if (!sendTimer) drainOutbox();
}

function drainOutbox() {
  sendTimer = null;
  if (!outbox.length) return;
  if (!ws || ws.readyState !== WebSocket.OPEN) return; // sent after the reconnect
  ws.send(outbox.shift());
  if (outbox.length) sendTimer = setTimeout(drainOutbox, SEND_SPACING_MS);
}

// --- Signaling -------------------------------------------------------------------

function connectSocket() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  ws = new WebSocket(`${scheme}://${location.host}${root.dataset.wsPath}`);
  ws.addEventListener("open", () => {
    wsAttempt = 0;
    socketOpens += 1;
    // A new socket starts with join; what was queued while offline follows.
    outbox.unshift(JSON.stringify({ type: "join" }));
    drainOutbox();
  });
  // Handle messages one after another: an offer must be applied before the
  // candidates that follow it, even while getUserMedia or setRemoteDescription waits.
  ws.addEventListener("message", (event) => {
    const message = JSON.parse(event.data);
    signalChain = signalChain.then(() => onSignal(message)).catch((error) => console.warn(error));
  });
  ws.addEventListener("close", (event) => {
    // The server closes with 1000 only after `leave` or `ended`, both of which set
    // closedOnPurpose first; any other close is a lost link and is retried.
    if (closedOnPurpose) return;
    if (event.code === 4403) {
      say(T.ended);
      afterEl.hidden = false;
      return;
    }
    // The right to the call ended (cancelled, time over, consent withdrawn): the call
    // stops for both people and is not reconnected. docs/signaling.md.
    if (event.code in RIGHT_ENDED) {
      closedOnPurpose = true;
      hangUp();
      say(T[RIGHT_ENDED[event.code]]);
      return;
    }
    if (event.code === 4400) {
      // The server refused a message. Try again a few times with a fresh socket (the
      // refusal may have been a burst on a bad link), but do not loop for ever.
      refusals += 1;
      if (refusals > MAX_REFUSALS) {
        say(T.error);
        return;
      }
    }
    // Say what broke: during a call the media runs between the two people, so a lost
    // link to the service (a server restarted, a dead worker) leaves the call going.
    if (admitted) {
      serviceLost = true;
      say(T.serviceLost);
    } else say(T.reconnecting);
    // Back off 1, 2, 4, 8 s, then every 10 s: a village link can drop for a while.
    const delay = Math.min(1000 * 2 ** wsAttempt, 10_000);
    wsAttempt += 1;
    setTimeout(connectSocket, delay);
  });
}

async function onSignal(message) {
  if (message.type !== "chat") console.debug("signal", message.type);
  switch (message.type) {
    case "welcome":
      iceServers = message.iceServers || [];
      if (admitted) {
        // The socket came back during the call (a lost link, a worker that died):
        // the media never went through it, so the call goes on as it was.
        if (pc && pc.connectionState === "connected") {
          say(serviceLost ? T.serviceBack : T.inCall);
        }
        serviceLost = false;
      } else if (message.admitted) {
        joinedInProgress = true;
        onAdmitted();
      } else say(role === "client" ? T.waitingClient : T.waitingSpecialist);
      break;
    case "peer":
      if (message.event === "joined") send({ type: "present" });
      if (message.event === "left") {
        if (admitted) say(T.reconnecting);
        else if (role === "specialist") waitingEl.hidden = true;
      } else if (admitted) {
        // "The link is back. You are in the call." already says it.
        const said = statusEl.textContent;
        if (pc && pc.connectionState === "connected" && said !== T.serviceBack) {
          say(T.inCall);
        }
      } else if (role === "specialist") {
        waitingEl.hidden = false;
        say(T.clientWaiting);
      }
      // A peer that reloaded its page sends a fresh offer itself; a peer whose socket
      // alone came back still has its media. Neither needs an ICE restart from here,
      // and one sent during the first negotiation could wedge it.
      break;
    case "admitted":
      onAdmitted();
      break;
    case "offer":
    case "answer":
      await onDescription({ type: message.type, sdp: message.sdp });
      break;
    case "ice":
      await onCandidate(message);
      break;
    case "chat":
      addChat(T.them, message.text);
      break;
    case "state":
      showRemoteState(message);
      break;
    case "leave":
      say(T.otherLeft);
      break;
    case "ended":
      closedOnPurpose = true;
      say(T.ended);
      hangUp();
      break;
    case "servers":
      renewIceServers(message.iceServers || []);
      break;
    case "error":
      console.warn("signaling refused a message:", message.code, message.message);
      break;
  }
}

// Fresh TURN credentials before the old ones expire. The relay refuses to keep an
// allocation alive once its credential has expired, so when the call runs through
// the relay the specialist (who leads ICE restarts) restarts ICE: both sides then
// gather new relay candidates with the new credentials, while the media keeps the
// old path until the new one is ready.
async function renewIceServers(servers) {
  iceServers = servers;
  if (!pc || pc.signalingState === "closed") return;
  pc.setConfiguration({ iceServers, iceTransportPolicy: relayOnly ? "relay" : "all" });
  if (!polite && (await window.komakCall.relayInUse())) {
    console.debug("ice restart for fresh relay credentials");
    pc.restartIce();
  }
}

// --- Media -----------------------------------------------------------------------

async function startMedia() {
  try {
    localStream = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true },
      video: { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 15 } },
    });
  } catch {
    try {
      localStream = await navigator.mediaDevices.getUserMedia({ audio: true });
      say(T.audioOnlyCamera);
    } catch {
      say(T.noCamera);
      localStream = new MediaStream();
    }
  }
  showOwnPicture();
}

// The own picture in the corner. Set only once a stream exists, kept muted (no echo of
// one's own voice, and muted media may play without a tap), and started explicitly:
// some phones ignore autoplay on an element whose source was set from script.
function showOwnPicture() {
  // No camera: no empty black box in the corner either.
  localVideo.hidden = !localStream || !localStream.getVideoTracks().length;
  if (localVideo.hidden) return;
  localVideo.muted = true;
  localVideo.playsInline = true;
  if (localVideo.srcObject !== localStream) localVideo.srcObject = localStream;
  const playing = localVideo.play();
  if (playing) playing.catch(() => {});
}

// `?relay=1` sends all media through the TURN relay: it hides both people's network
// addresses from each other, and lets support staff (and tests) force the relay path.
const relayOnly = new URLSearchParams(location.search).has("relay");

function createPeerConnection() {
  pc = new RTCPeerConnection({ iceServers, iceTransportPolicy: relayOnly ? "relay" : "all" });
  if (!polite || joinedInProgress) {
    addLocalTracks();
    // With neither camera nor microphone, still offer, to receive the client's.
    if (!localStream.getTracks().length) {
      pc.addTransceiver("audio", { direction: "recvonly" });
      pc.addTransceiver("video", { direction: "recvonly" });
    }
  }
  pc.addEventListener("track", ({ streams }) => {
    if (remoteVideo.srcObject !== streams[0]) remoteVideo.srcObject = streams[0];
  });
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
    send({
      type: "ice",
      candidate: candidate ? candidate.candidate : null,
      sdpMid: candidate ? candidate.sdpMid : null,
      sdpMLineIndex: candidate ? candidate.sdpMLineIndex : null,
    });
  });
  pc.addEventListener("negotiationneeded", async () => {
    try {
      makingOffer = true;
      await pc.setLocalDescription();
      send({ type: pc.localDescription.type, sdp: pc.localDescription.sdp });
    } finally {
      makingOffer = false;
    }
  });
  pc.addEventListener("connectionstatechange", () => {
    console.debug("connection", pc.connectionState, "signaling", pc.signalingState);
    if (pc.connectionState === "connected") {
      clearTimeout(disconnectTimer);
      say(T.inCall);
    } else if (pc.connectionState === "disconnected") {
      say(T.reconnecting);
      // Give the link a few seconds to come back on its own, then restart ICE (the
      // client later, only if the specialist's restart has not come).
      clearTimeout(disconnectTimer);
      disconnectTimer = setTimeout(restartIce, polite ? 4000 + POLITE_RESTART_DELAY_MS : 4000);
    } else if (pc.connectionState === "failed") {
      say(T.reconnecting);
      clearTimeout(disconnectTimer);
      if (polite) disconnectTimer = setTimeout(restartIce, POLITE_RESTART_DELAY_MS);
      else restartIce();
    }
  });
  statsTimer = setInterval(checkQuality, STATS_EVERY_MS);
}

function restartIce() {
  if (pc && pc.signalingState !== "closed" && pc.connectionState !== "connected") {
    console.debug("ice restart");
    pc.restartIce();
  }
}

function addLocalTracks() {
  if (tracksAdded) return;
  tracksAdded = true;
  // On the client this runs between the specialist's offer and the answer: addTrack
  // takes the transceivers the offer made, so the answer sends at once and no offer
  // of the client's own follows.
  for (const track of localStream.getTracks()) pc.addTrack(track, localStream);
}

// Offers, answers and candidates that arrive before this side's peer connection exists
// (getUserMedia can take seconds) wait here and are replayed in order; dropping them
// would leave perfect negotiation waiting for an answer that never comes.
const pendingSignals = [];

// True once the peer connection exists and every held signal has been replayed.
// Until then new offers, answers and candidates join the queue behind the held ones,
// so a candidate is never applied before the offer it belongs to.
let signalsFlowing = false;

async function onDescription(description) {
  if (!signalsFlowing) {
    pendingSignals.push({ type: description.type, sdp: description.sdp });
    return;
  }
  await applyDescription(description);
}

async function applyDescription(description) {
  const collision = description.type === "offer" && (makingOffer || pc.signalingState !== "stable");
  ignoreOffer = !polite && collision;
  if (ignoreOffer) return;
  await pc.setRemoteDescription(description);
  if (description.type === "offer") {
    const firstAnswer = !tracksAdded;
    addLocalTracks();
    await pc.setLocalDescription();
    send({ type: pc.localDescription.type, sdp: pc.localDescription.sdp });
    if (firstAnswer && manualAudioOnly) await setLevel(2, false);
  }
}

async function onCandidate(message) {
  if (!signalsFlowing) {
    pendingSignals.push(message);
    return;
  }
  await applyCandidate(message);
}

async function applyCandidate(message) {
  try {
    await pc.addIceCandidate(
      message.candidate === null
        ? null
        : { candidate: message.candidate, sdpMid: message.sdpMid, sdpMLineIndex: message.sdpMLineIndex },
    );
  } catch (error) {
    if (!ignoreOffer) console.warn("candidate", error);
  }
}

async function onAdmitted() {
  if (admitted) return;
  admitted = true;
  console.debug("admitted; ice servers:", iceServers.length, "relay only:", relayOnly);
  waitingEl.hidden = true;
  say(T.connecting);
  await mediaReady;
  createPeerConnection();
  // Signals that arrive while these replay are queued behind them (signalsFlowing is
  // still false); the loop ends only when the queue is empty.
  while (pendingSignals.length) {
    const held = pendingSignals.shift();
    try {
      if (held.type === "ice") await applyCandidate(held);
      else await applyDescription(held);
    } catch (error) {
      console.warn("held signal", held.type, error); // the next offer repairs it
    }
  }
  signalsFlowing = true;
  if (manualAudioOnly) await setLevel(2, false);
}

// The call is over: the way back instead of controls that do nothing any more.
function hangUp() {
  waitingEl.hidden = true;
  afterEl.hidden = false;
  controlsEl.hidden = true;
  localVideo.hidden = true;
  qualityEl.textContent = "";
  clearInterval(statsTimer);
  if (pc) pc.close();
  if (localStream) for (const track of localStream.getTracks()) track.stop();
}

// --- Fallback ladder -------------------------------------------------------------

function videoSender() {
  return pc && pc.getSenders().find((sender) => sender.track && sender.track.kind === "video");
}

async function setLevel(newLevel, announce = true) {
  const sender = videoSender();
  if (!sender) return;
  const params = sender.getParameters();
  if (!params.encodings || !params.encodings.length) params.encodings = [{}];
  const settings = sender.track.getSettings();
  if (newLevel === 0) {
    delete params.encodings[0].maxBitrate;
    params.encodings[0].scaleResolutionDownBy = 1;
    params.encodings[0].active = true;
  } else if (newLevel === 1) {
    params.encodings[0].maxBitrate = LOW_VIDEO.maxBitrate;
    params.encodings[0].scaleResolutionDownBy = Math.max(1, (settings.height || 360) / LOW_VIDEO.maxHeight);
    params.encodings[0].active = true;
  } else {
    params.encodings[0].active = false;
  }
  await sender.setParameters(params).catch(() => {});
  const previous = level;
  level = newLevel;
  send({ type: "state", audioOnly: level === 2 });
  if (announce && newLevel !== previous) {
    remoteStateEl.textContent = newLevel === 2 ? T.toAudio : newLevel === 1 ? T.lowVideo : T.recovered;
  }
  setPressed("audio-only", level === 2, level === 2 ? T.videoBack : T.audioOnly);
}

async function checkQuality() {
  if (!pc || pc.connectionState !== "connected") return;
  const report = await pc.getStats();
  let rtt = null;
  let bitrate = null;
  let loss = 0;
  report.forEach((stat) => {
    if (stat.type === "candidate-pair" && stat.nominated && stat.state === "succeeded") {
      rtt = stat.currentRoundTripTime ?? rtt;
      bitrate = stat.availableOutgoingBitrate ?? bitrate;
    }
    if (stat.type === "remote-inbound-rtp" && typeof stat.fractionLost === "number") {
      loss = Math.max(loss, stat.fractionLost);
    }
  });
  const quality = assess({ bitrate, loss, rtt });
  qualityEl.textContent = { good: T.qualityGood, poor: T.qualityFair, weak: T.qualityWeak }[quality];
  if (manualAudioOnly) return;
  const next = step({ level, bad: badSamples, good: goodSamples }, quality);
  badSamples = next.bad;
  goodSamples = next.good;
  if (next.level !== level) await setLevel(next.level);
}

// --- Controls and chat -----------------------------------------------------------

function setPressed(action, pressed, label) {
  const button = root.querySelector(`[data-action="${action}"]`);
  if (!button) return;
  button.setAttribute("aria-pressed", String(pressed));
  const labelEl = button.querySelector("[data-label]");
  if (labelEl && label) labelEl.textContent = label;
}

function showRemoteState(state) {
  const notes = [];
  if (state.muted) notes.push(T.otherMuted);
  if (state.camera === false) notes.push(T.otherCameraOff);
  if (state.audioOnly) notes.push(T.otherAudioOnly);
  remoteStateEl.textContent = notes.join(" ");
}

function addChat(who, text) {
  const item = document.createElement("li");
  const name = document.createElement("b");
  name.textContent = `${who}: `;
  item.append(name, text);
  chatLog.append(item);
  chatLog.scrollTop = chatLog.scrollHeight;
}

root.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-action]");
  if (!button) return;
  const action = button.dataset.action;
  if (action === "admit") {
    send({ type: "admit" });
  } else if (action === "mic" && localStream) {
    const track = localStream.getAudioTracks()[0];
    if (!track) return;
    track.enabled = !track.enabled;
    setPressed("mic", !track.enabled, track.enabled ? T.mute : T.unmute);
    send({ type: "state", muted: !track.enabled });
  } else if (action === "camera" && localStream) {
    const track = localStream.getVideoTracks()[0];
    if (!track) return;
    track.enabled = !track.enabled;
    setPressed("camera", !track.enabled, track.enabled ? T.cameraOff : T.cameraOn);
    send({ type: "state", camera: track.enabled });
  } else if (action === "audio-only") {
    manualAudioOnly = level !== 2;
    localStorage.setItem(PREF_KEY, manualAudioOnly ? "1" : "0");
    await setLevel(manualAudioOnly ? 2 : 0, false);
  } else if (action === "end" || action === "leave") {
    closedOnPurpose = true;
    send({ type: action });
    hangUp();
    say(T.ended);
  }
});

// The field stops at the server's limit (maxlength); when a message reaches it, the
// hint under the field says so instead of the extra letters vanishing unseen.
const chatInput = chatForm.querySelector("[data-chat-input]");
const chatLimit = chatForm.querySelector("[data-chat-limit]");
const chatMax = chatInput.maxLength > 0 ? chatInput.maxLength : 1000;
const chatLimitHint = chatLimit.textContent;

function showChatLimit() {
  const full = chatInput.value.length >= chatMax;
  chatLimit.textContent = full ? T.chatFull : chatLimitHint;
  chatLimit.classList.toggle("field-error", full);
}

chatInput.addEventListener("input", showChatLimit);

chatForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const text = chatInput.value.trim().slice(0, chatMax);
  if (!text || !admitted) return;
  send({ type: "chat", text });
  addChat(T.you, text);
  chatInput.value = "";
  showChatLimit();
});

// Expose a little state for tests and for support staff helping on the phone.
window.komakCall = {
  get admitted() {
    return admitted;
  },
  get level() {
    return level;
  },
  get connectionState() {
    return pc ? pc.connectionState : "new";
  },
  get socketOpens() {
    return socketOpens;
  },
  // Drop the signaling socket as a lost link would (code 4000 is not a purposeful close).
  dropSignaling() {
    if (ws) ws.close(4000);
  },
  async relayInUse() {
    if (!pc) return false;
    const report = await pc.getStats();
    let relay = false;
    report.forEach((stat) => {
      if (stat.type === "candidate-pair" && stat.nominated && stat.state === "succeeded") {
        const local = report.get(stat.localCandidateId);
        relay = relay || (local && local.candidateType === "relay");
      }
    });
    return relay;
  },
  async framesSent() {
    if (!pc) return 0;
    let frames = 0;
    (await pc.getStats()).forEach((stat) => {
      if (stat.type === "outbound-rtp" && stat.kind === "video") frames += stat.framesEncoded || 0;
    });
    return frames;
  },
  async framesDecoded() {
    if (!pc) return 0;
    let frames = 0;
    (await pc.getStats()).forEach((stat) => {
      if (stat.type === "inbound-rtp" && stat.kind === "video") frames += stat.framesDecoded || 0;
    });
    return frames;
  },
  setLevel,
};

say(T.connecting);
// Ask for the camera while waiting to be let in: the person sees themselves, and the
// call starts sooner once admitted.
const mediaReady = startMedia();
connectSocket();
