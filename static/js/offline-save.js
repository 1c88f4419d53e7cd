// "Save to this phone for use without internet" on a lesson page (docs/offline.md).
//
// Registers the service worker, shows the saving form (hidden without JavaScript or
// without Cache Storage), saves the chosen version of the lesson all or nothing
// (offline-store.js), says in words what happened, and offers to save again when the
// trainer has published a change since.

import { SaveError, fill, lessonSave, savedLesson, sizeWords, unfinishedRemove, workerRegister } from "./offline-store.js";

const section = document.querySelector("[data-offline-save]");
const lessonEl = document.getElementById("offline-lesson");
const wordsEl = document.getElementById("offline-words");

async function start() {
  const lesson = JSON.parse(lessonEl.textContent);
  const T = JSON.parse(wordsEl.textContent);
  const form = section.querySelector("[data-offline-save-form]");
  const button = section.querySelector("[data-offline-save-button]");
  const status = section.querySelector("[data-offline-status]");
  const registration = await workerRegister();
  section.hidden = false;
  if (!registration) {
    form.hidden = true;
    status.textContent = T.cannotSave;
    return;
  }
  const label = button.textContent;

  async function describe() {
    const saved = await savedLesson(lesson.url);
    if (!saved) return;
    const size = sizeWords(saved.meta.bytes, T);
    let text = fill(T.alreadySaved, { size });
    // Opened from the network with a newer version than the saved one.
    if (lesson.published && saved.meta.published !== lesson.published) {
      text += ` ${T.newer}`;
      button.textContent = T.saveAgain;
    } else {
      button.textContent = label;
    }
    status.textContent = text;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const kind = (form.querySelector("input[name=offline-kind]:checked") || {}).value;
    const choice = lesson.choices.find((item) => item.kind === kind) || lesson.choices[0];
    button.disabled = true;
    status.textContent = T.saving;
    try {
      const meta = await lessonSave(lesson, choice);
      status.textContent = fill(T.saved, { size: sizeWords(meta.bytes, T) });
      button.textContent = label;
    } catch (error) {
      const kind = error instanceof SaveError ? error.kind : "networkFailed";
      const details = error instanceof SaveError ? error.details : {};
      status.textContent = fill(T[kind], {
        needed: sizeWords(details.needed || 0, T),
        free: sizeWords(details.free || 0, T),
      });
    } finally {
      button.disabled = false;
    }
  });

  await describe();
  unfinishedRemove().catch(() => {});
}

if (section && lessonEl && wordsEl && "caches" in self) {
  start();
} else if (section && wordsEl) {
  section.hidden = false;
  section.querySelector("[data-offline-save-form]").hidden = true;
  section.querySelector("[data-offline-status]").textContent = JSON.parse(wordsEl.textContent).cannotSave;
}
