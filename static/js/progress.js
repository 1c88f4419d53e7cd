// Lesson progress that survives a weak network (docs/offline.md, "Progress that waits").
//
// Every event gets an id made here (or the one its form carries), waits in
// progress-queue.js until the server has acknowledged it, and is sent again on
// reconnection, page load, return to the page, a timer with backoff, and Background
// Sync where a service worker exists. The server stores an event id once, so retries
// never count twice. Without JavaScript the same forms post normally.

import { csrfToken } from "./csrf.js";
import {
  SYNC_TAG,
  drain,
  newId,
  onSendRequest,
  pageQueue,
  queueEvent,
} from "./progress-queue.js";

const HEARTBEAT_SECONDS = 30;
const FIRST_RETRY_MS = 2000;
const LAST_RETRY_MS = 5 * 60 * 1000;
const OLD_QUEUE_KEY = "komak.progress.queue"; // before IndexedDB: events, no owner

const lessonEl = document.querySelector("[data-lesson]");
const endpoint = lessonEl && lessonEl.dataset.progressUrl;
const owner = lessonEl && lessonEl.dataset.learner;
const wordsEl = document.getElementById("progress-words");
const T = wordsEl ? JSON.parse(wordsEl.textContent) : {};
const statusEl = document.querySelector("[data-sync-status]");
const refusedEl = document.querySelector("[data-refused]");

// "3 steps waiting to be sent" in the page's language: the server sends each plural
// form once and, for n = 0…199, which form gettext picks (beyond 199 the forms repeat
// with n % 100, as in every plural rule of our languages).
function waitingWords(n) {
  const { forms, pick } = T.waiting;
  const form = forms[n < pick.length ? pick[n] : pick[100 + (n % 100)]];
  return form.replace("%(count)s", n);
}

const queuePromise = pageQueue();
let lastState = null;
// "Saved" is said only to someone who was told that steps were waiting.
let toldWaiting = false;
let retryTimer = null;
let retryDelay = FIRST_RETRY_MS;

// Live regions are rewritten only when what they say changes: a screen reader would
// otherwise repeat "3 steps waiting" at every retry.
let shownStatus = "";
let shownRefused = 0;

async function render() {
  const queue = await queuePromise;
  const waiting = (await queue.waiting(owner)).length;
  const status = waiting ? `${waiting} ${lastState === "signin"}` : `0 ${toldWaiting}`;
  if (statusEl && status !== shownStatus) {
    shownStatus = status;
    statusEl.replaceChildren();
    if (waiting) {
      statusEl.append(waitingWords(waiting));
      toldWaiting = true;
      if (lastState === "signin") {
        const link = document.createElement("a");
        link.href = `${T.signInUrl}?next=${encodeURIComponent(location.pathname)}`;
        link.textContent = T.signIn;
        statusEl.append(" ", T.signedOut, " ", link);
      }
    } else if (toldWaiting) {
      statusEl.append(T.saved);
    }
  }
  const refused = await queue.refused(owner);
  if (refusedEl && refused.length !== shownRefused) {
    shownRefused = refused.length;
    const list = document.createElement("ul");
    for (const record of refused) {
      const item = document.createElement("li");
      item.textContent = `${T.kinds[record.event.type]}: ${record.error}`;
      list.append(item);
    }
    const intro = document.createElement("p");
    intro.textContent = T.refused;
    refusedEl.replaceChildren(intro, list);
    refusedEl.hidden = false;
  }
}

function enqueue(type, fields = {}, id = newId()) {
  const lesson = Number(lessonEl.dataset.lesson);
  return queueEvent({ owner, endpoint, lesson, type, fields, id });
}

async function askBackgroundSync() {
  // Only where a service worker is registered (the offline lessons' one, later).
  if (!("serviceWorker" in navigator)) return;
  const registration = await navigator.serviceWorker.getRegistration().catch(() => null);
  if (registration && "sync" in registration) {
    await registration.sync.register(SYNC_TAG).catch(() => {});
  }
}

function retryLater() {
  clearTimeout(retryTimer);
  retryTimer = setTimeout(flush, retryDelay * (0.75 + Math.random() / 2));
  retryDelay = Math.min(retryDelay * 2, LAST_RETRY_MS);
}

// Drains run one after another: a step queued during a drain is sent by the next.
let chain = Promise.resolve();
function flush() {
  chain = chain.then(drainOnce, drainOnce);
  return chain;
}

// csrfToken is read again before every request: signing in again gives a new token.
async function drainOnce() {
  const result = await drain(await queuePromise, { owner, csrf: csrfToken });
  lastState = result.state;
  for (const answer of result.answers) showFeedback(answer);
  if (result.state === "saved") {
    retryDelay = FIRST_RETRY_MS;
    clearTimeout(retryTimer);
  } else {
    retryLater();
    askBackgroundSync();
  }
  await render();
  return result;
}

function showFeedback(result) {
  const form = document.querySelector(`#q-${CSS.escape(result.question)} [data-question-form]`);
  if (!form) return;
  const box = form.querySelector("[data-feedback]");
  box.replaceChildren();
  box.classList.toggle("feedback-right", result.correct);
  box.classList.toggle("feedback-wrong", !result.correct);
  const message = document.createElement("p");
  message.className = "feedback-message";
  message.textContent = result.message;
  const list = document.createElement("ul");
  for (const option of result.options) {
    const label = form.querySelector(`input[name=choice][value="${option.index}"]`).closest("label");
    const item = document.createElement("li");
    const name = document.createElement("b");
    name.textContent = label.textContent.trim();
    item.append(name, `: ${option.correct ? T.right : T.wrong}. ${option.feedback}`);
    list.append(item);
  }
  box.append(message, list);
}

// The right options and each option's feedback, where the trainer let the phone
// check this question (learning.blocks.LessonPracticeQuestionBlock, `check_on_phone`);
// null where the answer stays secret on the server.
function phoneCheck(question) {
  const data = document.getElementById(`q-${question}-check`);
  return data ? JSON.parse(data.textContent) : null;
}

// The server's check (learning/answers.py, answer_check), on the phone: the same
// verdict and the same notes, in the page's words.
function checkOnPhone(question, choices, check) {
  const right = new Set(check.right);
  const chosen = [...new Set(choices)].sort((a, b) => a - b);
  const allRight = chosen.every((index) => right.has(index));
  const correct = allRight && chosen.length === right.size;
  const verdict = correct ? "right" : allRight ? "partly" : "wrong";
  return {
    question,
    choices: chosen,
    correct,
    message: T.verdicts[verdict],
    options: chosen.map((index) => ({
      index,
      correct: right.has(index),
      feedback: check.feedback[index] || "",
    })),
  };
}

// An answer the server has not had yet: checked here if its question allows it,
// and said in words that it waits on the phone.
function showKeptHere(form, question, choices) {
  const check = phoneCheck(question);
  const box = form.querySelector("[data-feedback]");
  const note = document.createElement("p");
  if (check) {
    showFeedback(checkOnPhone(question, choices, check));
    note.textContent = T.savedOffline;
    box.append(note);
  } else {
    box.classList.remove("feedback-right", "feedback-wrong");
    note.textContent = T.checkedLater;
    box.replaceChildren(note);
  }
}

// A page opened again before its answers were sent (a saved lesson, offline):
// each question shows the latest answer waiting for it.
async function showWaitingAnswers() {
  const lesson = Number(lessonEl.dataset.lesson);
  const latest = new Map();
  for (const record of await (await queuePromise).waiting(owner)) {
    const event = record.event;
    if (event.type === "answer" && event.lesson === lesson) latest.set(event.question, event);
  }
  for (const [question, event] of latest) {
    const form = document.querySelector(`#q-${CSS.escape(question)} [data-question-form]`);
    if (!form) continue;
    for (const input of form.querySelectorAll("input[name=choice]")) {
      input.checked = event.choices.includes(Number(input.value));
    }
    showKeptHere(form, question, event.choices);
  }
}

// Events queued by the localStorage version of this script, before IndexedDB.
async function adoptOldQueue() {
  let old = [];
  try {
    old = JSON.parse(localStorage.getItem(OLD_QUEUE_KEY)) || [];
  } catch {
    return;
  }
  const queue = await queuePromise;
  for (const event of old) await queue.add({ id: event.id, owner, endpoint, event });
  localStorage.removeItem(OLD_QUEUE_KEY);
}

if (lessonEl && endpoint && owner) {
  // The video player's positions, queued in this same visit, are sent from here.
  onSendRequest(flush);
  adoptOldQueue()
    .then(() => enqueue("open"))
    .then(flush)
    .then(showWaitingAnswers);

  // Time spent, counted only while the page is visible.
  let visibleSince = document.visibilityState === "visible" ? Date.now() : null;
  function recordTime() {
    if (visibleSince === null) return null;
    const seconds = Math.round((Date.now() - visibleSince) / 1000);
    visibleSince = document.visibilityState === "visible" ? Date.now() : null;
    return seconds >= 1 ? enqueue("time", { seconds: Math.min(seconds, 600) }) : null;
  }
  setInterval(async () => {
    await recordTime();
    flush();
  }, HEARTBEAT_SECONDS * 1000);
  document.addEventListener("visibilitychange", async () => {
    if (document.visibilityState === "hidden") {
      await recordTime();
    } else {
      visibleSince = Date.now();
    }
    flush();
  });
  window.addEventListener("online", () => {
    retryDelay = FIRST_RETRY_MS;
    flush();
  });

  for (const form of document.querySelectorAll("[data-question-form]")) {
    form.addEventListener("submit", async (submitEvent) => {
      submitEvent.preventDefault();
      const error = form.querySelector("[data-question-error]");
      const choices = Array.from(form.querySelectorAll("input[name=choice]:checked"), (i) => Number(i.value));
      if (!choices.length) {
        error.hidden = false;
        error.textContent = T.chooseFirst;
        form.querySelector("input[name=choice]").focus();
        return;
      }
      error.hidden = true;
      const question = form.querySelector("input[name=question]").value;
      const idInput = form.querySelector("input[name=event_id]");
      const eventId = idInput.value;
      idInput.value = newId();
      await enqueue("answer", { question, choices }, eventId);
      if (!navigator.onLine) {
        // No network for sure: answer at once rather than after a failed send.
        showKeptHere(form, question, choices);
        flush();
        return;
      }
      await flush();
      // Sent, the server's feedback is shown (showFeedback); not sent (offline, or
      // the server did not answer), the phone checks it where it may.
      const waiting = await (await queuePromise).waiting(owner);
      if (waiting.some((r) => r.id === eventId)) showKeptHere(form, question, choices);
    });
  }

  const completeForm = document.querySelector("[data-complete-form]");
  if (completeForm) {
    completeForm.addEventListener("submit", async (submitEvent) => {
      submitEvent.preventDefault();
      await recordTime();
      // The second button says a social worker helped; counted apart from "alone".
      const assisted = submitEvent.submitter && submitEvent.submitter.name === "assisted";
      await enqueue("complete", assisted ? { assisted: true } : {}, completeForm.querySelector("input[name=event_id]").value);
      completeForm.hidden = true;
      document.querySelector("[data-done-note]").hidden = false;
      flush();
    });
  }
}
