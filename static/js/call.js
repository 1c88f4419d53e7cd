// The consultation call page: what the person sees and presses, in their own words.
//
// The parts live beside it, one concern each: call-signaling.js (the WebSocket of
// docs/signaling.md, reconnection), call-negotiation.js (the RTCPeerConnection,
// perfect negotiation, ICE restarts) and call-quality.js (the fallback ladder for weak
// links, on ladder.js's rules). This module wires them to the DOM and the buttons.

import { createSignaling } from "./call-signaling.js";
import { Negotiation } from "./call-negotiation.js";
import { QualityLadder } from "./call-quality.js";
import { LEVELS } from "./ladder.js";

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
// `?relay=1` sends all media through the TURN relay: it hides both people's network
// addresses from each other, and lets support staff (and tests) force the relay path.
const relayOnly = new URLSearchParams(location.search).has("relay");

let admitted = false;
// The signaling socket dropped during the call and has not come back yet.
let serviceLost = false;
// This page opened into a call already admitted (a reload, a second device).
let joinedInProgress = false;
let localStream = null;

function say(text) {
  statusEl.textContent = text;
}

const signaling = createSignaling({
  path: root.dataset.wsPath,
  onMessage: onSignal,
  onClose: ({ outcome, reason }) => {
    if (outcome === "refused") {
      say(T.ended);
      afterEl.hidden = false;
    } else if (outcome === "over") {
      hangUp();
      say(T[reason]);
    } else if (outcome === "error") {
      say(T.error);
    } else if (admitted) {
      // Say what broke: during a call the media runs between the two people, so a
      // lost link to the service (a server restarted, a dead worker) leaves the call
      // going.
      serviceLost = true;
      say(T.serviceLost);
    } else say(T.reconnecting);
  },
});
const send = signaling.send;

const negotiation = new Negotiation({
  polite,
  relayOnly,
  send,
  onTrack: (stream) => {
    if (remoteVideo.srcObject !== stream) remoteVideo.srcObject = stream;
  },
  onConnectionState: (state) => {
    if (state === "connected") say(T.inCall);
    else if (state === "disconnected" || state === "failed") say(T.reconnecting);
  },
  onFirstAnswer: async () => {
    if (ladder.manual) await ladder.setLevel(LEVELS.AUDIO, false);
  },
});

const ladder = new QualityLadder({
  peer: () => negotiation.pc,
  send,
  manual: localStorage.getItem(PREF_KEY) === "1",
  onQuality: (quality) => {
    qualityEl.textContent = { good: T.qualityGood, poor: T.qualityFair, weak: T.qualityWeak }[quality];
  },
  onLevel: (level, previous, announce) => {
    if (announce && level !== previous) {
      remoteStateEl.textContent =
        level === LEVELS.AUDIO ? T.toAudio : level === LEVELS.LOW ? T.lowVideo : T.recovered;
    }
    const audioOnly = level === LEVELS.AUDIO;
    setPressed("audio-only", audioOnly, audioOnly ? T.videoBack : T.audioOnly);
  },
});

// --- What the server says ----------------------------------------------------------

async function onSignal(message) {
  if (message.type !== "chat") console.debug("signal", message.type);
  switch (message.type) {
    case "welcome":
      negotiation.iceServers = message.iceServers || [];
      if (admitted) {
        // The socket came back during the call (a lost link, a worker that died):
        // the media never went through it, so the call goes on as it was.
        if (negotiation.connectionState === "connected") {
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
        if (negotiation.connectionState === "connected" && said !== T.serviceBack) {
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
      await negotiation.onDescription({ type: message.type, sdp: message.sdp });
      break;
    case "ice":
      await negotiation.onCandidate(message);
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
      signaling.finish();
      say(T.ended);
      hangUp();
      break;
    case "servers":
      negotiation.renewIceServers(message.iceServers || []);
      break;
    case "error":
      console.warn("signaling refused a message:", message.code, message.message);
      break;
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

async function onAdmitted() {
  if (admitted) return;
  admitted = true;
  console.debug("admitted; ice servers:", negotiation.iceServers.length, "relay only:", relayOnly);
  waitingEl.hidden = true;
  say(T.connecting);
  await mediaReady;
  const started = negotiation.start(localStream, { offerFirst: !polite || joinedInProgress });
  ladder.watch();
  await started;
  if (ladder.manual) await ladder.setLevel(LEVELS.AUDIO, false);
}

// The call is over: the way back instead of controls that do nothing any more.
function hangUp() {
  waitingEl.hidden = true;
  afterEl.hidden = false;
  controlsEl.hidden = true;
  localVideo.hidden = true;
  qualityEl.textContent = "";
  ladder.stop();
  negotiation.close();
  if (localStream) for (const track of localStream.getTracks()) track.stop();
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
    ladder.manual = ladder.level !== LEVELS.AUDIO;
    localStorage.setItem(PREF_KEY, ladder.manual ? "1" : "0");
    await ladder.setLevel(ladder.manual ? LEVELS.AUDIO : LEVELS.FULL, false);
  } else if (action === "end" || action === "leave") {
    signaling.finish();
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
    return ladder.level;
  },
  get connectionState() {
    return negotiation.connectionState;
  },
  get socketOpens() {
    return signaling.opens;
  },
  dropSignaling() {
    signaling.drop();
  },
  relayInUse() {
    return negotiation.relayInUse();
  },
  framesSent() {
    return negotiation.videoFrames("outbound-rtp", "framesEncoded");
  },
  framesDecoded() {
    return negotiation.videoFrames("inbound-rtp", "framesDecoded");
  },
  setLevel(level, announce = true) {
    return ladder.setLevel(level, announce);
  },
};

say(T.connecting);
// Ask for the camera while waiting to be let in: the person sees themselves, and the
// call starts sooner once admitted.
const mediaReady = startMedia();
signaling.connect();
