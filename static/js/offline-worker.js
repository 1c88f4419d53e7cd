// The service worker of lessons saved for offline use, served at /sw.js with the whole
// site as its scope (cms/views.py, docs/offline.md). A module worker.
//
// - Install: keeps the offline page and the "Saved lessons" page in each of the five
//   languages, with their styles and scripts, as a visitor sees them.
// - Pages: from the network; without it (or with no answer in NETWORK_WAIT_MS), the
//   saved copy of that very address, else the offline page in the address's language.
// - Other files: the network first, the saved copy without it (or after
//   NETWORK_WAIT_MS with no answer); files that never
//   change at their address (hashed static files, video segments) from the saved
//   copy first, so a saved video costs no data to watch again.
// - Background Sync (SYNC_TAG): sends the progress events waiting in IndexedDB.

import { SYNC_TAG, drain, openQueue } from "/static/js/progress-queue.js";
import { LANGUAGES, OFFLINE_CACHE, keepable, languageOf, scriptImports, staticAddresses } from "/static/js/offline-store.js";

const PAGES = LANGUAGES.flatMap((language) => [`/${language}/offline/`, `/${language}/learning/saved/`]);
const HASHED_STATIC = /^\/static\/.+\.[0-9a-f]{12}\.[a-z0-9]+$/;

async function precache() {
  const cache = await caches.open(OFFLINE_CACHE);
  const assets = new Set();
  for (const path of PAGES) {
    const url = new URL(path, self.location.origin).href;
    // As a visitor sees it: no one's name or progress on a page kept for everyone.
    const response = await fetch(url, { credentials: "omit", cache: "no-store" });
    if (!response.ok) throw new Error(`${path}: ${response.status}`);
    const html = await response.text();
    await cache.put(url, keepable(response, html));
    for (const asset of staticAddresses(html, url)) assets.add(asset);
  }
  const scripts = [...assets].filter((url) => /\.m?js$/.test(url));
  for (const url of assets) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: ${response.status}`);
    if (scripts.includes(url)) {
      const text = await response.text();
      await cache.put(url, keepable(response, text));
      for (const imported of scriptImports(text, url)) {
        if (assets.has(imported) || scripts.includes(imported)) continue;
        scripts.push(imported);
        const module = await fetch(imported);
        if (module.ok) await cache.put(imported, keepable(module, await module.text()));
      }
    } else {
      await cache.put(url, keepable(response, await response.blob()));
    }
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith("komak-offline-") && name !== OFFLINE_CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

// Players ask for byte ranges ("bytes=0-"); Chromium's own HLS player refuses a
// whole 200 answer to those, so a saved file answers with the part asked for (206).
async function ranged(request, response) {
  const range = request.headers.get("range");
  const match = range && /^bytes=(\d+)-(\d*)$/.exec(range.trim());
  if (!response || !match || response.status !== 200) return response;
  const body = await response.blob();
  const start = Number(match[1]);
  const end = match[2] ? Math.min(Number(match[2]), body.size - 1) : body.size - 1;
  if (start >= body.size || end < start) {
    return new Response(null, { status: 416, headers: { "Content-Range": `bytes */${body.size}` } });
  }
  const headers = new Headers(response.headers);
  headers.set("Content-Range", `bytes ${start}-${end}/${body.size}`);
  headers.set("Content-Length", String(end - start + 1));
  return new Response(body.slice(start, end + 1), { status: 206, statusText: "Partial Content", headers });
}

async function fromCache(request) {
  return ranged(request, await caches.match(request, { ignoreVary: true }));
}

// On a weak link a request can hang for a minute without failing. Where the phone
// has a saved copy, it is shown once the network has not answered in this long (a
// page takes about 2.5 s on Slow 3G); without one, the network is waited for.
const NETWORK_WAIT_MS = 6000;

function answerOrCopy(request, saved) {
  const network = fetch(request);
  if (!saved) return network;
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(saved), NETWORK_WAIT_MS);
    network.then(
      (response) => {
        clearTimeout(timer);
        resolve(response);
      },
      () => {
        clearTimeout(timer);
        resolve(saved);
      },
    );
  });
}

async function page(request) {
  const url = new URL(request.url);
  const saved = await caches.match(url.origin + url.pathname, { ignoreVary: true });
  try {
    return await answerOrCopy(request, saved);
  } catch (error) {
    const offline = await caches.match(`${url.origin}/${languageOf(url.pathname)}/offline/`, {
      cacheName: OFFLINE_CACHE,
    });
    if (offline) return offline;
    throw error;
  }
}

async function networkFirst(request) {
  return answerOrCopy(request, await fromCache(request));
}

async function cacheFirst(request) {
  return (await fromCache(request)) || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname === "/sw.js" || url.pathname.startsWith("/admin/")) return;
  if (request.mode === "navigate") {
    event.respondWith(page(request));
  } else if (HASHED_STATIC.test(url.pathname) || (url.pathname.startsWith("/videos/ladders/") && !url.pathname.endsWith(".m3u8"))) {
    event.respondWith(cacheFirst(request));
  } else {
    event.respondWith(networkFirst(request));
  }
});

// Background Sync: each owner's events go under the session of the person signed in
// now, and the server refuses (403) events sent as someone else's
// (X-Komak-Learner), so on a shared phone they wait for their owner.
async function progressSend() {
  const queue = await openQueue();
  const cookie = self.cookieStore ? await self.cookieStore.get("csrftoken").catch(() => null) : null;
  const token = cookie ? cookie.value : "";
  let tryAgain = false;
  for (const owner of await queue.owners()) {
    const result = await drain(queue, { owner, csrf: () => token });
    if (result.state === "offline" || result.state === "later") tryAgain = true;
  }
  // A rejected promise makes the browser fire the sync again later, with backoff.
  if (tryAgain) throw new Error("progress not sent yet");
}

self.addEventListener("sync", (event) => {
  if (event.tag === SYNC_TAG) event.waitUntil(progressSend());
});
