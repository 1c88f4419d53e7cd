// The waiting room of lesson progress: events stay here until the server has said
// what it thinks of them (docs/offline.md, "Progress that waits").
//
// Two IndexedDB stores: "waiting" (not yet acknowledged) and "refused" (the server
// answered 400/404 about that very event: kept aside and shown, never dropped).
// Each record is { id, owner, endpoint, event }: `owner` is the learner it belongs to,
// so on a shared phone one person's steps are never sent under another's session;
// `endpoint` lets a service worker send them with no page open. No DOM here, so a
// service worker can import this module too. Without IndexedDB (some private modes)
// the same stores live in localStorage, and in memory if that fails as well.
//
// On a lesson page every script that records progress (progress.js, player.js) goes
// through this module, and a module runs once per page: so one page load is one visit
// (one LessonVisit on the server), whatever parts of the lesson the learner used.

const DB_NAME = "komak-progress";
const WAITING = "waiting";
const REFUSED = "refused";
const MAX_BATCH = 50; // the server's MAX_EVENTS_PER_REQUEST
// The Background Sync tag a service worker answers by calling drain().
export const SYNC_TAG = "komak-progress";

// An id for an event or a visit, made on the device (a version 4 UUID).
export function newId() {
  if (self.crypto && crypto.randomUUID) return crypto.randomUUID();
  // crypto.randomUUID needs a secure context; fall back to getRandomValues.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// This page's visit: the same for every script of the page (see the top).
export const visitId = newId();

function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function openDatabase() {
  if (!self.indexedDB) return Promise.reject(new Error("no IndexedDB"));
  const request = indexedDB.open(DB_NAME, 1);
  request.onupgradeneeded = () => {
    request.result.createObjectStore(WAITING, { keyPath: "id" });
    request.result.createObjectStore(REFUSED, { keyPath: "id" });
  };
  return done(request).then((db) => {
    if (db.objectStoreNames.contains(WAITING) && db.objectStoreNames.contains(REFUSED)) return db;
    db.close();
    throw new Error("a database without our stores");
  });
}

// Runs `work(stores)` in one transaction; resolves once it is written to disk.
function transact(db, names, work) {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(names, "readwrite");
    const stores = Object.fromEntries(names.map((name) => [name, tx.objectStore(name)]));
    const request = work(stores);
    tx.oncomplete = () => resolve(request && request.result);
    tx.onerror = tx.onabort = () => reject(tx.error);
  });
}

function byTime(a, b) {
  return a.event.at < b.event.at ? -1 : a.event.at > b.event.at ? 1 : 0;
}

function databaseStores(db) {
  const all = (name, owner) =>
    transact(db, [name], (s) => s[name].getAll()).then((rows) =>
      rows.filter((row) => row.owner === owner).sort(byTime),
    );
  return {
    add: (record) => transact(db, [WAITING], (s) => s[WAITING].put(record)),
    waiting: (owner) => all(WAITING, owner),
    refused: (owner) => all(REFUSED, owner),
    owners: () =>
      transact(db, [WAITING], (s) => s[WAITING].getAll()).then((rows) => [
        ...new Set(rows.map((row) => row.owner)),
      ]),
    remove: (ids) =>
      transact(db, [WAITING], (s) => ids.forEach((id) => s[WAITING].delete(id))),
    putAside: (record, error) =>
      transact(db, [WAITING, REFUSED], (s) => {
        s[WAITING].delete(record.id);
        s[REFUSED].put({ ...record, error });
      }),
  };
}

function storageStores() {
  const memory = { [WAITING]: [], [REFUSED]: [] };
  const key = (name) => `komak.progress.${name}`;
  const read = (name) => {
    try {
      return JSON.parse(localStorage.getItem(key(name))) || memory[name];
    } catch {
      return memory[name];
    }
  };
  const write = (name, rows) => {
    memory[name] = rows;
    try {
      localStorage.setItem(key(name), JSON.stringify(rows));
    } catch {
      // Storage full or blocked: the rows stay in memory for this page.
    }
  };
  const mine = (name, owner) => read(name).filter((r) => r.owner === owner).sort(byTime);
  return {
    add: async (record) => write(WAITING, [...read(WAITING).filter((r) => r.id !== record.id), record]),
    waiting: async (owner) => mine(WAITING, owner),
    refused: async (owner) => mine(REFUSED, owner),
    owners: async () => [...new Set(read(WAITING).map((r) => r.owner))],
    remove: async (ids) => write(WAITING, read(WAITING).filter((r) => !ids.includes(r.id))),
    putAside: async (record, error) => {
      write(WAITING, read(WAITING).filter((r) => r.id !== record.id));
      write(REFUSED, [...read(REFUSED), { ...record, error }]);
    },
  };
}

export async function openQueue() {
  try {
    return databaseStores(await openDatabase());
  } catch {
    return storageStores();
  }
}

// The page's one queue. One, not one per script: where it lives in memory (no
// storage at all), a second copy would hold events the sender never sees.
let pageQueuePromise = null;
export function pageQueue() {
  pageQueuePromise = pageQueuePromise || openQueue();
  return pageQueuePromise;
}

// Who sends what is queued on this page (progress.js: it retries, and says on the
// page how many steps wait). A script that only records, like the video player,
// asks it through sendSoon(); with no sender the events wait for the next page or
// the service worker's Background Sync.
const senders = new Set();
export function onSendRequest(send) {
  senders.add(send);
}

export function sendSoon() {
  for (const send of senders) send();
}

// Keeps one lesson event of this visit on the phone until the server acknowledges
// it. `id` is the form's own where a form carries one (sent with and without
// JavaScript, it counts once).
export async function queueEvent({ owner, endpoint, lesson, type, fields = {}, id = newId() }) {
  const event = { id, lesson, visit: visitId, type, at: new Date().toISOString(), ...fields };
  await (await pageQueue()).add({ id, owner, endpoint, event });
  return event;
}

// Sends the owner's waiting events in batches until none is left or the server
// cannot take them now. Resolves to { state, answers, refused } where state is
// "saved" (nothing waits), "signin" (401/403: they wait for a new sign-in),
// "offline" (no network) or "later" (408, 429, 5xx: try again after a pause).
// `csrf` is a function, asked before each request: a new sign-in changes the token.
export async function drain(queue, { owner, csrf }) {
  const answers = [];
  let refused = 0;
  let size = MAX_BATCH;
  for (;;) {
    const batch = (await queue.waiting(owner)).slice(0, size);
    if (!batch.length) return { state: "saved", answers, refused };
    let response;
    try {
      response = await fetch(batch[0].endpoint, {
        method: "POST",
        credentials: "same-origin",
        // Whose steps these are: the server refuses them (403) under anyone else's
        // session, so a service worker never sends one person's steps as another's.
        headers: {
          "Content-Type": "application/json",
          "X-CSRFToken": csrf(),
          "X-Komak-Learner": String(owner),
        },
        body: JSON.stringify({ events: batch.map((r) => r.event) }),
      });
    } catch {
      return { state: "offline", answers, refused };
    }
    const body = await response.json().catch(() => ({}));
    const { status } = response;
    if (response.ok) {
      await queue.remove(batch.map((r) => r.id));
      answers.push(...(body.answers || []));
      size = MAX_BATCH;
    } else if (status === 401 || status === 403) {
      return { state: "signin", answers, refused };
    } else if ((status === 400 || status === 404) && batch[body.event]) {
      // The server names the event at fault: keep it aside, send the others.
      await queue.putAside(batch[body.event], body.error || String(status));
      refused += 1;
    } else if ([400, 404, 413].includes(status) && batch.length > 1) {
      size = 1; // one by one, to find the event at fault
    } else if (status === 400 || status === 404) {
      await queue.putAside(batch[0], body.error || String(status));
      refused += 1;
    } else {
      return { state: "later", answers, refused };
    }
  }
}
