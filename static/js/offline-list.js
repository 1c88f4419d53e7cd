// The list of lessons saved on this phone ("Saved lessons" and the offline page):
// read from Cache Storage, each with its size and a Remove button, and the browser's
// storage estimate in words (docs/offline.md).

import { fill, lessonRemove, savedLessons, sizeWords, spaceFree, workerRegister } from "./offline-store.js";

const root = document.querySelector("[data-saved-lessons]");
const wordsEl = document.getElementById("offline-words");

// 07.12.2026, as dates are written in Uzbekistan in every language (browsers have no
// Uzbek or Karakalpak month names).
function dateWords(iso) {
  const date = new Date(iso);
  const two = (n) => String(n).padStart(2, "0");
  return `${two(date.getDate())}.${two(date.getMonth() + 1)}.${date.getFullYear()}`;
}

async function render(T, list, estimate, announce = "") {
  const saved = await savedLessons();
  list.replaceChildren();
  if (!saved.length) {
    const item = document.createElement("li");
    item.className = "card";
    item.textContent = T.none;
    list.append(item);
  }
  let used = 0;
  for (const { meta } of saved) {
    used += meta.bytes;
    const item = document.createElement("li");
    item.className = "card";
    item.dataset.savedLesson = meta.url;
    const title = document.createElement("h3");
    const link = document.createElement("a");
    link.href = meta.url;
    link.textContent = meta.title;
    link.lang = meta.language;
    title.append(link);
    const about = document.createElement("p");
    about.textContent = `${T.kinds[meta.kind] || ""}: ${fill(T.savedOn, {
      size: sizeWords(meta.bytes, T),
      date: dateWords(meta.savedAt),
    })}`;
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "button button-secondary";
    remove.textContent = T.remove;
    remove.setAttribute("aria-label", fill(T.removeNamed, { title: meta.title }));
    remove.addEventListener("click", async () => {
      await lessonRemove(meta.url);
      await render(T, list, estimate, fill(T.removed, { title: meta.title }));
      list.closest("section").querySelector("h2").focus();
    });
    item.append(title, about, remove);
    list.append(item);
  }
  const space = await spaceFree();
  let words = "";
  if (space) {
    const free = sizeWords(space.free, T);
    words = saved.length ? fill(T.estimate, { used: sizeWords(used, T), free }) : fill(T.estimateEmpty, { free });
  }
  estimate.textContent = [announce, words].filter(Boolean).join(" ");
}

if (root && wordsEl && "caches" in self) {
  const T = JSON.parse(wordsEl.textContent);
  root.querySelector("[data-offline-unsupported]").hidden = true;
  const list = root.querySelector("[data-saved-list]");
  list.hidden = false;
  root.querySelector("h2").tabIndex = -1;
  render(T, list, root.querySelector("[data-saved-estimate]"));
  workerRegister();
}
