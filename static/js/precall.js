// Pre-call check: see and hear yourself, then measure the connection to the server.
//
// 1. The camera and microphone are opened on a button press (the browser asks for
//    permission then), shown in a preview, and the microphone drives a level meter.
// 2. A peer connection to the server's echo peer is made with the same ICE servers as
//    the call: the offer is sent whole once ICE gathering is complete (no trickling).
//    The round trip is measured with 10 "ping <n>" messages on a data channel; loss
//    comes from the statistics of the media the server echoes back; the selected
//    candidate pair tells whether a relay (TURN) is needed.
// 3. The measurements are posted to the server, which stores them on the booking and
//    answers with the verdict in plain words.
//
// Every text shown comes translated from the page (#precall-texts).

import { csrfToken } from "./csrf.js";
import { selectedPairUsesRelay } from "./rtc-stats.js";

const root = document.getElementById("precall");
const PINGS = 10;
const PING_GAP_MS = 200;
const PING_TIMEOUT_MS = 2000;
const GATHER_TIMEOUT_MS = 10000;
const CONNECT_TIMEOUT_MS = 15000;
// How long the echoed media flows before loss is read: long enough for a few hundred
// audio packets, short enough that people wait.
const MEDIA_MS = 5000;

function readJson(id) {
  const element = document.getElementById(id);
  return element ? JSON.parse(element.textContent) : null;
}

const texts = readJson("precall-texts") || {};
const iceServers = readJson("precall-ice-servers") || [];

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function postJson(url, body) {
  return fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
    body: JSON.stringify(body),
  });
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

// ---- Camera, microphone, level meter -------------------------------------------

let stream = null;
let audioContext = null;
let meterFrame = 0;

function stopMedia() {
  if (meterFrame) cancelAnimationFrame(meterFrame);
  meterFrame = 0;
  if (audioContext) audioContext.close();
  audioContext = null;
  if (stream) stream.getTracks().forEach((track) => track.stop());
  stream = null;
}

async function openMedia(say) {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    say(texts.unsupported);
    return null;
  }
  say(texts.starting);
  stopMedia();
  try {
    // Small video: the check measures the network, not the camera.
    const media = await navigator.mediaDevices.getUserMedia({
      audio: true,
      video: { width: { ideal: 320 }, height: { ideal: 240 }, frameRate: { ideal: 15 } },
    });
    say(texts.mediaReady);
    return media;
  } catch (error) {
    if (error.name === "NotAllowedError" || error.name === "SecurityError") {
      say(texts.refused);
      return null;
    }
  }
  // No camera (or it is busy): the microphone alone still allows a voice call.
  try {
    const media = await navigator.mediaDevices.getUserMedia({ audio: true });
    say(texts.audioOnlyDevice);
    return media;
  } catch (error) {
    say(error.name === "NotAllowedError" ? texts.refused : texts.noDevice);
    return null;
  }
}

function showLevel(media, meter) {
  const AudioContextClass = window.AudioContext || window.webkitAudioContext;
  if (!AudioContextClass || media.getAudioTracks().length === 0) return;
  audioContext = new AudioContextClass();
  const analyser = audioContext.createAnalyser();
  analyser.fftSize = 1024;
  audioContext.createMediaStreamSource(media).connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  const draw = () => {
    analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    for (const sample of samples) sum += sample * sample;
    // Speech sits around 0.05-0.2 RMS; scale so that normal speech fills half the bar.
    meter.value = Math.min(1, Math.sqrt(sum / samples.length) * 4);
    meterFrame = requestAnimationFrame(draw);
  };
  draw();
}

// ---- Network check --------------------------------------------------------------

function gatheringComplete(connection) {
  if (connection.iceGatheringState === "complete") return Promise.resolve();
  return new Promise((resolve) => {
    // After the timeout the offer goes with the candidates found so far.
    const timer = setTimeout(resolve, GATHER_TIMEOUT_MS);
    connection.addEventListener("icegatheringstatechange", () => {
      if (connection.iceGatheringState === "complete") {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

function channelOpen(channel, connection) {
  if (channel.readyState === "open") return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), CONNECT_TIMEOUT_MS);
    channel.addEventListener("open", () => {
      clearTimeout(timer);
      resolve();
    });
    connection.addEventListener("connectionstatechange", () => {
      if (connection.connectionState === "failed") {
        clearTimeout(timer);
        reject(new Error("failed"));
      }
    });
  });
}

async function measureRoundTrips(channel) {
  const waiting = new Map();
  channel.addEventListener("message", (event) => {
    const match = /^pong (\d+)$/.exec(event.data);
    const done = match && waiting.get(match[1]);
    if (done) done();
  });
  const roundTrips = [];
  for (let number = 1; number <= PINGS; number += 1) {
    const key = String(number);
    const sentAt = performance.now();
    const answered = await new Promise((resolve) => {
      const timer = setTimeout(() => {
        waiting.delete(key);
        resolve(false);
      }, PING_TIMEOUT_MS);
      waiting.set(key, () => {
        clearTimeout(timer);
        waiting.delete(key);
        resolve(true);
      });
      channel.send(`ping ${number}`);
    });
    if (answered) roundTrips.push(performance.now() - sentAt);
    await sleep(PING_GAP_MS);
  }
  return roundTrips;
}

function lossPercent(stats, sentTracks) {
  let lost = 0;
  let received = 0;
  stats.forEach((report) => {
    if (report.type === "inbound-rtp" && (report.kind === "audio" || report.kind === "video")) {
      lost += Math.max(0, report.packetsLost || 0);
      received += report.packetsReceived || 0;
    }
  });
  if (lost + received === 0) return sentTracks ? 100 : 0;
  return Math.round((1000 * lost) / (lost + received)) / 10;
}

// Returns the measurements, or null when the check could not even start (the server
// refused or could not be reached): then there is nothing true to store.
async function measure(media, say) {
  const connection = new RTCPeerConnection({ iceServers });
  const result = { rtt_ms: 0, loss_percent: 100, relay: false, connected: false };
  try {
    const channel = connection.createDataChannel("ping");
    const tracks = media ? media.getTracks() : [];
    tracks.forEach((track) => connection.addTrack(track, media));
    await connection.setLocalDescription(await connection.createOffer());
    await gatheringComplete(connection);
    let response;
    try {
      response = await postJson(root.dataset.offerUrl, {
        type: "offer",
        sdp: connection.localDescription.sdp,
      });
    } catch {
      say(texts.networkFailed);
      return null;
    }
    if (!response.ok) {
      // 403 (a talk cancelled or over, terms not accepted) and 429 (too many checks)
      // carry a message in the person's language.
      const said = [403, 429].includes(response.status)
        ? (await response.json().catch(() => ({}))).error
        : null;
      say(response.status === 503 ? texts.busy : said || texts.networkFailed);
      return null;
    }
    await connection.setRemoteDescription(await response.json());
    try {
      await channelOpen(channel, connection);
    } catch {
      return result; // no path to the server: not connected
    }
    const roundTrips = await measureRoundTrips(channel);
    if (roundTrips.length === 0) return result;
    result.connected = true;
    result.rtt_ms = Math.round(median(roundTrips));
    await sleep(MEDIA_MS);
    const stats = await connection.getStats();
    result.loss_percent = lossPercent(stats, tracks.length > 0);
    result.relay = selectedPairUsesRelay(stats);
    return result;
  } finally {
    connection.close();
  }
}

// The verdict in words; the figures only as small print under "What we measured";
// and "Join the call" as soon as the talk is open (it may have opened during the check).
function showVerdict(answer, result, elements) {
  elements.verdict.textContent = answer.message;
  elements.verdict.className = `precall-verdict precall-verdict-${answer.verdict}`;
  if (result.connected) {
    let details = texts.details
      .replace("{rtt}", String(result.rtt_ms))
      .replace("{loss}", String(result.loss_percent));
    if (result.relay) details += ` ${texts.relayNote}`;
    elements.details.textContent = details;
    elements.figures.hidden = false;
  } else {
    elements.details.textContent = "";
    elements.figures.hidden = true;
  }
  if (answer.joinable && elements.joinLink) {
    elements.joinLink.hidden = false;
    if (elements.joinLater) elements.joinLater.hidden = true;
  }
}

// ---- Page -----------------------------------------------------------------------

function init() {
  const needsScript = document.getElementById("precall-needs-script");
  if (needsScript) needsScript.hidden = true;
  root.hidden = false;
  const elements = {
    start: root.querySelector("[data-action=start]"),
    preview: root.querySelector("[data-preview]"),
    level: root.querySelector("[data-level]"),
    mediaStatus: root.querySelector("[data-media-status]"),
    networkStatus: root.querySelector("[data-network-status]"),
    verdict: root.querySelector("[data-verdict]"),
    details: root.querySelector("[data-details]"),
    figures: root.querySelector("[data-figures]"),
    joinLink: document.querySelector("[data-join-link]"),
    joinLater: document.querySelector("[data-join-later]"),
  };
  const sayMedia = (text) => {
    elements.mediaStatus.textContent = text || "";
  };
  const sayNetwork = (text) => {
    elements.networkStatus.textContent = text || "";
  };
  let running = false;

  elements.start.addEventListener("click", async () => {
    if (running) return;
    running = true;
    elements.start.disabled = true;
    elements.verdict.textContent = "";
    elements.details.textContent = "";
    elements.figures.hidden = true;
    try {
      stream = await openMedia(sayMedia);
      if (stream) {
        elements.preview.srcObject = stream;
        showLevel(stream, elements.level);
      }
      if (!window.RTCPeerConnection) {
        sayNetwork(texts.unsupported);
        return;
      }
      sayNetwork(texts.networkStarting);
      const result = await measure(stream, sayNetwork);
      if (!result) return;
      const response = await postJson(root.dataset.resultUrl, result).catch(() => null);
      if (!response || !response.ok) {
        sayNetwork(texts.saveFailed);
        return;
      }
      sayNetwork("");
      showVerdict(await response.json(), result, elements);
    } catch {
      sayNetwork(texts.networkFailed);
    } finally {
      running = false;
      elements.start.disabled = false;
    }
  });
  window.addEventListener("pagehide", stopMedia);
}

if (root) init();
