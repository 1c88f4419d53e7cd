// Lesson progress that survives a weak network.
//
// Every event gets an id made here, is kept in localStorage until the server has
// confirmed it, and is sent again after a failure: the server stores an event id once,
// so retries never count twice. Without JavaScript the same forms post normally.

const QUEUE_KEY = "komak.progress.queue";
const HEARTBEAT_SECONDS = 30;
const MAX_BATCH = 50;

const lessonEl = document.querySelector("[data-lesson]");
const endpoint = lessonEl && lessonEl.dataset.progressUrl;

function newId() {
  if (self.crypto && crypto.randomUUID) return crypto.randomUUID();
  // crypto.randomUUID needs a secure context; fall back to getRandomValues.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function loadQueue() {
  try {
    return JSON.parse(localStorage.getItem(QUEUE_KEY)) || [];
  } catch {
    return [];
  }
}

function saveQueue(queue) {
  try {
    localStorage.setItem(QUEUE_KEY, JSON.stringify(queue));
  } catch {
    // Storage full or blocked: events stay in memory for this page.
  }
}

function csrfToken() {
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

const statusEl = document.querySelector("[data-sync-status]");
function say(text) {
  if (statusEl) statusEl.textContent = text;
}

const visitId = newId();
let queue = loadQueue();
let sending = false;

function enqueue(type, fields = {}, id = newId()) {
  const event = {
    id,
    lesson: Number(lessonEl.dataset.lesson),
    visit: visitId,
    type,
    at: new Date().toISOString(),
    ...fields,
  };
  queue.push(event);
  saveQueue(queue);
  return event;
}

async function flush() {
  if (sending || !queue.length || !endpoint) return null;
  sending = true;
  const batch = queue.slice(0, MAX_BATCH);
  try {
    const response = await fetch(endpoint, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({ events: batch }),
    });
    const body = await response.json().catch(() => ({}));
    if (response.ok || (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429)) {
      // Stored, or refused for good (a lesson removed, a bad event): drop it either way.
      const sent = new Set(batch.map((e) => e.id));
      queue = loadQueue().filter((e) => !sent.has(e.id));
      saveQueue(queue);
      if (!response.ok) say(body.error || "");
      return { ok: response.ok, body };
    }
    return { ok: false, body };
  } catch {
    return { ok: false, body: {} };
  } finally {
    sending = false;
  }
}

function showFeedback(form, result) {
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
    item.append(name, `: ${option.correct ? form.dataset.right : form.dataset.wrong}. ${option.feedback}`);
    list.append(item);
  }
  box.append(message, list);
}

if (lessonEl && endpoint) {
  enqueue("open");
  flush();

  // Time spent, counted only while the page is visible.
  let visibleSince = document.visibilityState === "visible" ? Date.now() : null;
  function recordTime() {
    if (visibleSince === null) return;
    const seconds = Math.round((Date.now() - visibleSince) / 1000);
    visibleSince = document.visibilityState === "visible" ? Date.now() : null;
    if (seconds >= 1) enqueue("time", { seconds: Math.min(seconds, 600) });
  }
  setInterval(() => { recordTime(); flush(); }, HEARTBEAT_SECONDS * 1000);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") {
      recordTime();
      flush();
    } else {
      visibleSince = Date.now();
    }
  });
  window.addEventListener("online", flush);

  for (const form of document.querySelectorAll("[data-question-form]")) {
    form.dataset.right = lessonEl.dataset.rightWord || "✓";
    form.dataset.wrong = lessonEl.dataset.wrongWord || "✗";
    form.addEventListener("submit", async (submitEvent) => {
      submitEvent.preventDefault();
      const error = form.querySelector("[data-question-error]");
      const choices = Array.from(form.querySelectorAll("input[name=choice]:checked"), (i) => Number(i.value));
      if (!choices.length) {
        error.hidden = false;
        error.textContent = lessonEl.dataset.chooseFirst;
        form.querySelector("input[name=choice]").focus();
        return;
      }
      error.hidden = true;
      const question = form.querySelector("input[name=question]").value;
      const eventId = form.querySelector("input[name=event_id]").value;
      form.querySelector("input[name=event_id]").value = newId();
      enqueue("answer", { question, choices }, eventId);
      const result = await flush();
      const answer = result && result.ok && result.body.answers.find((a) => a.question === question);
      if (answer) showFeedback(form, answer);
      else say(lessonEl.dataset.savedOffline);
    });
  }

  const completeForm = document.querySelector("[data-complete-form]");
  if (completeForm) {
    completeForm.addEventListener("submit", async (submitEvent) => {
      submitEvent.preventDefault();
      recordTime();
      // The second button says a social worker helped; counted apart from "alone".
      const assisted = submitEvent.submitter && submitEvent.submitter.name === "assisted";
      const fields = assisted ? { assisted: true } : {};
      enqueue("complete", fields, completeForm.querySelector("input[name=event_id]").value);
      const result = await flush();
      completeForm.hidden = true;
      const note = document.querySelector("[data-done-note]");
      note.hidden = false;
      if (!(result && result.ok)) say(lessonEl.dataset.savedOffline);
    });
  }
}
