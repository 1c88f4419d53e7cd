// Lesson video player for slow, expensive mobile data.
//
// hls.js (vendored) wherever the browser has Media Source Extensions, native HLS only
// where it has not (older iPhones). From the start both play after one round trip,
// but to resume at 4 s Chromium's own player fetches the first two segments before
// the one needed, while hls.js asks for that one first (docs/video.md, "Engine").
// hls.js is loaded once the page has loaded, so it never holds up the lesson's text.
// It starts on the lowest picture quality unless the learner chose better, says how
// much a play costs before it starts, offers "Data saver" (sound only, with the
// transcript), remembers these choices, and saves the position as a progress event of
// the page's visit (progress-queue.js) so the learner resumes where they stopped.
// Once the page has settled, the playlists, the init segment and the captions are
// fetched into the HTTP cache (a few KB), so pressing Play costs one round trip: the
// first media segment. Without JavaScript the <video> element still plays (native HLS,
// or the small MP4) with the browser's own controls.
// Where this script takes over, the native controls go and ours are the only ones:
// one Play button, "10 seconds back" and a position slider in place of the native
// seek bar, quality and speed choices sized for a 320 px phone.

const QUALITY_KEY = "komak.video.quality";
const SAVER_KEY = "komak.video.saver";
const SPEED_KEY = "komak.video.speed";
const POSITION_KEY = "komak.video.position.";
const OLD_QUEUE_KEY = "komak.video.queue"; // before the shared progress queue
const SAVE_EVERY_SECONDS = 15;

function stored(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function store(key, value) {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Storage blocked: the choice lasts for this page only.
  }
}

// Positions are events of the page's one visit, in the lesson's one progress queue
// (progress-queue.js): they wait there through a dropped connection or a reload and
// progress.js sends them with the other steps, once. Only for a signed-in learner
// (the page names an endpoint then); a visitor's page does not even load the queue.
const lessonEl = document.querySelector("[data-lesson]");
const progressUrl = lessonEl && lessonEl.dataset.progressUrl;
const owner = lessonEl && lessonEl.dataset.learner;
const progressQueue =
  progressUrl && owner
    ? import("./progress-queue.js")
        .then(adoptOldQueue)
        .catch(() => null) // not loaded (offline, not saved): positions stay local
    : null;

// Positions queued by this script before the shared queue, in localStorage.
async function adoptOldQueue(progress) {
  let old = [];
  try {
    old = JSON.parse(stored(OLD_QUEUE_KEY)) || [];
  } catch {
    old = [];
  }
  if (old.length) {
    const queue = await progress.pageQueue();
    for (const event of old) await queue.add({ id: event.id, owner, endpoint: progressUrl, event });
    store(OLD_QUEUE_KEY, "[]");
    progress.sendSoon();
  }
  return progress;
}

async function positionSend(position) {
  const progress = await progressQueue;
  if (!progress) return;
  await progress.queueEvent({
    owner,
    endpoint: progressUrl,
    lesson: Number(lessonEl.dataset.lesson),
    type: "video",
    fields: { position: Math.round(position * 10) / 10 },
  });
  progress.sendSoon();
}

function warm(url) {
  // Into the HTTP cache, so that the player's own request is answered at once.
  fetch(url, { credentials: "same-origin" }).catch(() => {});
}

function pageLoaded() {
  if (document.readyState === "complete") return Promise.resolve();
  return new Promise((resolve) => addEventListener("load", resolve, { once: true }));
}

function initUrl(playlistUrl) {
  return new URL("init.mp4", new URL(playlistUrl, location.href)).href;
}

async function savedVideo(master) {
  try {
    return Boolean(self.caches && (await caches.match(new URL(master, location.href).href)));
  } catch {
    return false;
  }
}

async function setup(root) {
  const video = root.querySelector("video");
  const controls = root.querySelector("[data-video-controls]");
  const playButton = root.querySelector("[data-play]");
  const backButton = root.querySelector("[data-back]");
  const slider = root.querySelector("[data-position]");
  const timeLine = root.querySelector("[data-time]");
  const sizeLine = root.querySelector("[data-size]");
  const radios = Array.from(root.querySelectorAll("input[type=radio][data-playlist]"));
  const saver = root.querySelector("input[data-saver]");
  const speedButtons = Array.from(root.querySelectorAll("[data-speed]"));
  const transcript = root.querySelector("[data-transcript]");
  const duration = Number(root.dataset.duration) || 0;
  const positionKey = `${POSITION_KEY}${root.dataset.videoId}`;

  // Until then the <video> element's own controls play the lowest rung natively.
  await pageLoaded();
  let Hls = null;
  if ("MediaSource" in window || "ManagedMediaSource" in window) {
    try {
      Hls = (await import(root.dataset.hlsSrc)).default;
      if (!Hls.isSupported()) Hls = null;
    } catch {
      Hls = null;
    }
  }
  // A video saved on the phone (docs/offline.md) never plays natively: Chromium's own
  // HLS player does not take segments from a service worker's cache.
  const nativeHls = !Hls && !(await savedVideo(root.dataset.master)) && Boolean(video.canPlayType("application/vnd.apple.mpegurl"));
  if (!nativeHls && !Hls) return; // the <video> element plays the MP4 by itself
  // Started with the browser's own controls before the page had loaded: left alone.
  if (!video.paused || video.currentTime > 0) return;

  const savedQuality = stored(QUALITY_KEY);
  const preferred = radios.find((radio) => radio.value === savedQuality);
  if (preferred) preferred.checked = true;
  saver.checked = stored(SAVER_KEY) === "1";
  const savedSpeed = Number(stored(SPEED_KEY)) || 1;

  for (const source of video.querySelectorAll("source")) source.remove();
  video.removeAttribute("src");
  // One play control: ours. The native bar (its own Play, seek bar, menu) goes.
  video.controls = false;
  controls.hidden = false;
  root.classList.add("video-enhanced");

  let engine = null;
  let loadedFor = null;
  let chosenStart = null; // where to start, chosen on the slider before the first play

  function choice() {
    return saver.checked ? saver : radios.find((radio) => radio.checked) || radios[0];
  }

  function describe() {
    sizeLine.textContent = choice().dataset.summary;
    root.classList.toggle("video-saver-on", saver.checked);
    if (transcript && saver.checked) transcript.classList.add("video-transcript-first");
    if (transcript && !saver.checked) transcript.classList.remove("video-transcript-first");
  }

  function resumeAt() {
    const local = Number(stored(positionKey));
    const server = Number(root.dataset.resume) || 0;
    const at = Number.isFinite(local) && local > 0 ? local : server;
    return duration && at > duration - 5 ? 0 : at;
  }

  // Captions in the learner's language are switched on when playing starts (warmUp
  // has put them in the HTTP cache by then, so they cost no round trip).
  function showCaptions() {
    const track = video.querySelector("track[data-default]");
    for (const textTrack of video.textTracks) {
      textTrack.mode = track && textTrack.language === track.srclang ? "showing" : textTrack.mode;
    }
  }

  function load(startAt) {
    const chosen = choice();
    loadedFor = chosen;
    if (engine) {
      engine.destroy();
      engine = null;
    }
    if (Hls) {
      engine = new Hls({
        autoStartLoad: true,
        startPosition: startAt,
        enableWorker: false, // fMP4 needs no transmuxing; no blob: worker for the CSP
        capLevelToPlayerSize: false,
        maxBufferLength: 20,
        backBufferLength: 30,
      });
      if (chosen === saver) {
        engine.loadSource(chosen.dataset.playlist);
      } else {
        engine.loadSource(root.dataset.master);
        engine.on(Hls.Events.MANIFEST_PARSED, (_event, data) => {
          const height = Number(chosen.dataset.height);
          const index = data.levels.findIndex((level) => level.height === height);
          const level = index >= 0 ? index : 0;
          // Start on the chosen quality and never go above it: the size shown holds.
          engine.autoLevelCapping = level;
          engine.startLevel = level;
        });
      }
      engine.attachMedia(video);
    } else {
      video.src = chosen.dataset.playlist;
      video.addEventListener(
        "loadedmetadata",
        () => {
          if (startAt) video.currentTime = startAt;
        },
        { once: true },
      );
      video.load();
    }
    video.playbackRate = savedSpeed;
    showCaptions();
  }

  // The label says what a press does; no aria-pressed beside a changing label.
  function playLabel() {
    const playing = !video.paused && !video.ended;
    playButton.textContent = playing ? `❚❚ ${root.dataset.pauseLabel}` : `▶ ${root.dataset.playLabel}`;
  }

  function clock(seconds) {
    const whole = Math.max(0, Math.floor(seconds || 0));
    return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
  }

  function total() {
    return Number.isFinite(video.duration) && video.duration > 0 ? video.duration : duration;
  }

  function position() {
    if (loadedFor) return video.currentTime;
    return chosenStart !== null ? chosenStart : resumeAt();
  }

  function showPosition() {
    const now = position();
    const end = total();
    slider.max = String(Math.max(1, Math.ceil(end)));
    slider.value = String(Math.floor(now));
    timeLine.textContent = `${clock(now)} / ${clock(end)}`;
    slider.setAttribute(
      "aria-valuetext",
      slider.dataset.timeText.replace("CURRENT", clock(now)).replace("TOTAL", clock(end)),
    );
  }

  function seek(seconds) {
    const to = Math.min(Math.max(0, seconds), Math.max(0, total() - 0.5));
    if (loadedFor) video.currentTime = to;
    else chosenStart = to;
    showPosition();
  }

  async function play() {
    if (loadedFor !== choice()) load(loadedFor ? video.currentTime : position());
    try {
      await video.play();
    } catch {
      // Refused (no user gesture) or interrupted by a new source: the button stays.
    }
  }

  function switchTo() {
    store(QUALITY_KEY, (radios.find((radio) => radio.checked) || radios[0]).value);
    store(SAVER_KEY, saver.checked ? "1" : "0");
    describe();
    if (!loadedFor) {
      warmUp();
      return;
    }
    const wasPlaying = !video.paused;
    load(video.currentTime);
    if (wasPlaying) video.play().catch(() => {});
  }

  // Everything Play needs but the first segment, into the HTTP cache (playlists and
  // captions are kept there with stale-while-revalidate: videos/views.py).
  function warmUp() {
    const playlist = choice().dataset.playlist;
    if (Hls && choice() !== saver) warm(root.dataset.master);
    warm(playlist);
    warm(initUrl(playlist));
    const track = video.querySelector("track[data-default]");
    if (track) warm(track.src);
  }

  function playOrPause() {
    if (video.paused || video.ended) play();
    else video.pause();
  }
  playButton.addEventListener("click", playOrPause);
  // A tap on the picture does what the Play button does (it is not a second button:
  // the video is not focusable, the keyboard uses the button).
  video.addEventListener("click", playOrPause);
  backButton.addEventListener("click", () => seek(position() - 10));
  slider.addEventListener("input", () => seek(Number(slider.value)));
  for (const name of ["timeupdate", "durationchange", "seeked"]) video.addEventListener(name, showPosition);
  // The native controls' own play button must load our source too.
  video.addEventListener("play", () => {
    if (loadedFor !== choice()) play();
  });
  for (const input of [...radios, saver]) input.addEventListener("change", switchTo);
  for (const button of speedButtons) {
    button.setAttribute("aria-pressed", String(Number(button.dataset.speed) === savedSpeed));
    button.addEventListener("click", () => {
      video.playbackRate = Number(button.dataset.speed);
      store(SPEED_KEY, button.dataset.speed);
      for (const other of speedButtons) other.setAttribute("aria-pressed", String(other === button));
    });
  }

  let lastSaved = 0;
  function savePosition(force) {
    if (!loadedFor || !video.currentTime) return;
    store(positionKey, String(video.currentTime));
    if (force || Math.abs(video.currentTime - lastSaved) >= SAVE_EVERY_SECONDS) {
      lastSaved = video.currentTime;
      positionSend(video.currentTime);
    }
  }
  video.addEventListener("timeupdate", () => savePosition(false));
  video.addEventListener("pause", () => savePosition(true));
  video.addEventListener("ended", () => {
    store(positionKey, "0");
    positionSend(video.duration || video.currentTime);
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") savePosition(true);
  });
  for (const name of ["play", "pause", "ended"]) video.addEventListener(name, playLabel);

  describe();
  showPosition();
  warmUp();
  root.dataset.ready = nativeHls ? "native" : "hls.js";
}

for (const root of document.querySelectorAll("[data-video-player]")) setup(root);
