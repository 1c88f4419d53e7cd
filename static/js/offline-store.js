// Lessons saved on the phone for use without internet (docs/offline.md, "Saved lessons").
//
// Each saved lesson is one Cache Storage cache, "komak-lesson:<path>:<time saved>",
// holding everything the lesson needs: the page as rendered for this person, its
// styles, scripts and pictures, the video's captions, poster and one rung (the lowest
// video quality or sound only: its playlist, init segment and segments). A small
// description ("meta": title, size, what was saved, when the trainer last published
// the lesson) is written last, at "<page address>?komak-saved": a cache without it is
// a save that did not finish and is deleted. All or nothing: a save that fails
// deletes its cache. No DOM at the top level: the service worker imports this too.

export const LESSON_PREFIX = "komak-lesson:";
export const OFFLINE_CACHE = "komak-offline-v1";
export const LANGUAGES = ["uz", "uz-cyrl", "ru", "kaa", "en"];
export const META_QUERY = "?komak-saved";
const PARALLEL = 3; // requests at a time: a weak link does better with few
const SPACE_MARGIN = 1.2; // keep a fifth more free than the estimate, for overhead

export class SaveError extends Error {
  constructor(kind, details = {}) {
    super(kind);
    this.kind = kind; // "noSpace", "spaceRanOut", "networkFailed", "cannotSave"
    this.details = details;
  }
}

// "about 4 MB" in the page's language (words from the server, offline_words).
export function sizeWords(bytes, words) {
  const units = [
    ["GB", 1e9],
    ["MB", 1e6],
    ["KB", 1e3],
  ];
  const [unit, size] = units.find(([, size]) => bytes >= size) || units[2];
  return words.sizes[unit].replace("%(size)s", String(Math.max(1, Math.round(bytes / size))));
}

export function fill(text, values) {
  return text.replace(/%\((\w+)\)s/g, (whole, name) => (name in values ? values[name] : whole));
}

export function languageOf(pathname) {
  const first = pathname.split("/")[1] || "";
  return LANGUAGES.includes(first) ? first : LANGUAGES[0];
}

// The addresses a script imports (static and dynamic), resolved against its own.
export function scriptImports(text, base) {
  const found = new Set();
  const pattern = /(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+\.m?js)["']/g;
  for (const match of text.matchAll(pattern)) found.add(new URL(match[1], base).href);
  return [...found];
}

// The addresses of /static/ files named in a page's HTML (for the service worker,
// which has no DOMParser).
export function staticAddresses(html, base) {
  const found = new Set();
  for (const match of html.matchAll(/(?:href|src)="(\/static\/[^"]+)"/g)) {
    found.add(new URL(match[1], base).href);
  }
  return [...found];
}

// A response as it can be kept and given back: the body read, no compression header
// (the body is already decoded), never "redirected" (a navigation refuses those).
export function keepable(response, body) {
  const headers = new Headers(response.headers);
  for (const name of ["content-encoding", "content-length", "set-cookie"]) headers.delete(name);
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}

export function pageKey(url) {
  const address = new URL(url, self.location.href);
  return address.origin + address.pathname;
}

// The address of a save's meta, from its cache's name.
function metaAddress(name) {
  const path = name.slice(LESSON_PREFIX.length, name.lastIndexOf(":"));
  return new URL(path, self.location.origin).href + META_QUERY;
}

// All complete saves, newest first per page: [{ name, meta }]. Reads with
// caches.match, never caches.open: opening a cache that another tab (or the Remove
// button) has just deleted would create it again, empty.
export async function savedLessons() {
  const names = (await caches.keys()).filter((name) => name.startsWith(LESSON_PREFIX));
  const found = new Map();
  for (const name of names) {
    const response = await caches.match(metaAddress(name), { cacheName: name });
    const meta = response ? await response.json() : null;
    if (!meta) continue; // unfinished, being saved now, or just removed: not listed
    const earlier = found.get(meta.url);
    if (!earlier || earlier.meta.savedAt < meta.savedAt) found.set(meta.url, { name, meta });
  }
  return [...found.values()].sort((a, b) => (a.meta.savedAt < b.meta.savedAt ? 1 : -1));
}

export async function savedLesson(url) {
  const key = pageKey(url);
  return (await savedLessons()).find((saved) => saved.meta.url === key) || null;
}

// Deletes every cache of one page, but `keep`.
export async function lessonRemove(url, keep = "") {
  const prefix = `${LESSON_PREFIX}${new URL(pageKey(url)).pathname}:`;
  for (const name of await caches.keys()) {
    if (name.startsWith(prefix) && name !== keep) await caches.delete(name);
  }
}

// Unfinished saves (a closed tab, a crash): caches without their meta.
export async function unfinishedRemove(olderThanMs = 10 * 60 * 1000) {
  for (const name of await caches.keys()) {
    if (!name.startsWith(LESSON_PREFIX)) continue;
    const savedAt = Number(name.split(":").pop());
    if (Date.now() - savedAt < olderThanMs) continue;
    if (!(await caches.match(metaAddress(name), { cacheName: name }))) await caches.delete(name);
  }
}

export async function spaceFree() {
  if (!navigator.storage || !navigator.storage.estimate) return null;
  const { quota = 0, usage = 0 } = await navigator.storage.estimate();
  return { quota, usage, free: Math.max(0, quota - usage) };
}

async function fetchKept(url) {
  let response;
  try {
    response = await fetch(url, { credentials: "same-origin" });
  } catch {
    throw new SaveError("networkFailed");
  }
  if (!response.ok || response.redirected) throw new SaveError("networkFailed");
  return response;
}

function playlistUris(text, base) {
  const uris = [];
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    if (trimmed.startsWith("#EXT-X-MAP:")) {
      const match = trimmed.match(/URI="([^"]+)"/);
      if (match) uris.push(new URL(match[1], base).href);
    } else if (trimmed && !trimmed.startsWith("#")) {
      uris.push(new URL(trimmed, base).href);
    }
  }
  return uris;
}

// The chosen playlist with absolute addresses, so that it can also answer for the
// rungs that were not saved (the player may ask for another quality offline).
function playlistAbsolute(text, base) {
  return text
    .split("\n")
    .map((line) => {
      const trimmed = line.trim();
      if (trimmed.startsWith("#EXT-X-MAP:")) {
        return trimmed.replace(/URI="([^"]+)"/, (_, uri) => `URI="${new URL(uri, base).pathname}"`);
      }
      if (trimmed && !trimmed.startsWith("#")) return new URL(trimmed, base).pathname;
      return line;
    })
    .join("\n");
}

// A master playlist that lists only the saved rung.
function masterOnly(masterText, masterUrl, playlistUrl) {
  const lines = masterText.split("\n").map((line) => line.trim());
  const wanted = new URL(playlistUrl, masterUrl).href;
  const header = lines.filter((line) => /^#EXT(M3U|-X-VERSION|-X-INDEPENDENT-SEGMENTS)/.test(line));
  for (let i = 1; i < lines.length; i += 1) {
    if (lines[i] && !lines[i].startsWith("#") && new URL(lines[i], masterUrl).href === wanted) {
      return [...header, lines[i - 1], new URL(playlistUrl, masterUrl).pathname, ""].join("\n");
    }
  }
  return null;
}

function pageAddresses(html, pageUrl, lesson, choice) {
  const doc = new DOMParser().parseFromString(html, "text/html");
  const urls = new Set();
  const add = (value) => {
    if (!value) return;
    const url = new URL(value, pageUrl);
    if (url.origin === location.origin) urls.add(url.origin + url.pathname + url.search);
  };
  for (const link of doc.querySelectorAll("link[rel~=stylesheet], link[rel~=icon]")) add(link.getAttribute("href"));
  for (const script of doc.querySelectorAll("script[src]")) add(script.getAttribute("src"));
  for (const image of doc.querySelectorAll("img[src]")) add(image.getAttribute("src"));
  for (const source of doc.querySelectorAll("img[srcset], source[srcset]")) {
    for (const part of source.getAttribute("srcset").split(",")) add(part.trim().split(/\s+/)[0]);
  }
  if (choice.kind !== "page") {
    add(lesson.video.poster);
    for (const caption of lesson.video.captions) add(caption);
    // hls.js: a saved video plays through it (player.js, savedVideo).
    for (const player of doc.querySelectorAll("[data-hls-src]")) add(player.dataset.hlsSrc);
  }
  return [...urls];
}

async function inParallel(items, work) {
  const queue = [...items];
  const workers = Array.from({ length: Math.min(PARALLEL, queue.length) }, async () => {
    while (queue.length) await work(queue.shift());
  });
  await Promise.all(workers);
}

// Saves one lesson with one choice ({ kind, playlist, bytes }). Resolves to the meta;
// rejects with a SaveError after deleting whatever it had stored.
export async function lessonSave(lesson, choice) {
  if (!self.caches || !self.fetch) throw new SaveError("cannotSave");
  const space = await spaceFree();
  if (space && space.free < choice.bytes * SPACE_MARGIN) {
    throw new SaveError("noSpace", { needed: choice.bytes, free: space.free });
  }
  const pageUrl = pageKey(lesson.url);
  const name = `${LESSON_PREFIX}${new URL(pageUrl).pathname}:${Date.now()}`;
  const cache = await caches.open(name);
  let bytes = 0;
  const put = async (url, response, body) => {
    if (body === undefined && !response.headers.get("content-encoding")) {
      // Kept as it came (with its address): media players take it back as sent.
      bytes += (await response.clone().blob()).size;
      await cache.put(url, response);
      return;
    }
    const blob = body === undefined ? await response.blob() : new Blob([body]);
    bytes += blob.size;
    await cache.put(url, keepable(response, blob));
  };
  try {
    const pageResponse = await fetchKept(pageUrl);
    const html = await pageResponse.text();
    await put(pageUrl, pageResponse, html);

    const files = pageAddresses(html, pageUrl, lesson, choice);
    const seen = new Set([pageUrl, ...files]);
    const scripts = [];
    await inParallel(files, async (url) => {
      const response = await fetchKept(url);
      if (/\.m?js$/.test(new URL(url).pathname)) {
        const text = await response.text();
        scripts.push([url, text]);
        await put(url, response, text);
      } else {
        await put(url, response);
      }
    });
    // Modules the page's scripts import (their addresses are not in the page).
    while (scripts.length) {
      const [url, text] = scripts.pop();
      for (const imported of scriptImports(text, url)) {
        if (seen.has(imported)) continue;
        seen.add(imported);
        const response = await fetchKept(imported);
        const importedText = await response.text();
        scripts.push([imported, importedText]);
        await put(imported, response, importedText);
      }
    }

    if (choice.kind === "video" || choice.kind === "audio") {
      const playlistUrl = new URL(choice.playlist, pageUrl).href;
      const playlistResponse = await fetchKept(playlistUrl);
      const playlistText = await playlistResponse.text();
      await put(playlistUrl, playlistResponse, playlistText);
      await inParallel(playlistUris(playlistText, playlistUrl), async (url) => {
        await put(url, await fetchKept(url));
      });
      // Offline, the player may ask for the master playlist or another rung: both
      // answer with the saved rung (online, the network answers first).
      const masterUrl = new URL(lesson.video.master, pageUrl).href;
      const masterResponse = await fetchKept(masterUrl);
      const master = masterOnly(await masterResponse.text(), masterUrl, playlistUrl);
      if (master) await put(masterUrl, masterResponse, master);
      const absolute = playlistAbsolute(playlistText, playlistUrl);
      for (const other of lesson.video.playlists) {
        const otherUrl = new URL(other, pageUrl).href;
        if (otherUrl !== playlistUrl) await put(otherUrl, playlistResponse, absolute);
      }
    }

    const meta = {
      url: pageUrl,
      title: lesson.title,
      published: lesson.published,
      kind: choice.kind,
      bytes,
      savedAt: new Date().toISOString(),
      language: languageOf(new URL(pageUrl).pathname),
    };
    await cache.put(
      pageUrl + META_QUERY,
      new Response(JSON.stringify(meta), { headers: { "Content-Type": "application/json" } }),
    );
    await lessonRemove(pageUrl, name); // the earlier save of this page, if any
    return meta;
  } catch (error) {
    await caches.delete(name).catch(() => {});
    if (error instanceof SaveError) throw error;
    if (error && error.name === "QuotaExceededError") throw new SaveError("spaceRanOut");
    throw new SaveError("networkFailed");
  }
}

// The service worker, at the root so that it covers every language's pages. A module
// worker (it imports the progress queue); browsers without module workers save nothing.
export async function workerRegister() {
  if (!("serviceWorker" in navigator) || !self.caches) return null;
  try {
    return await navigator.serviceWorker.register("/sw.js", { type: "module", scope: "/" });
  } catch {
    return null;
  }
}
