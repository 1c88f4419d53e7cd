// "Read aloud": the browser's own speech synthesis reads the lesson text, where it
// has a voice for the text's language. Without such a voice the button stays hidden:
// a voice for another language would read Uzbek words wrongly.
//
// The text is looked up when the button is pressed, not when the page loads: in a
// practice simulation (static/js/simulation.js) the screen is replaced without a page
// load, and the button, kept outside it, must read the screen shown now. A replaced
// screen announces itself with a "komak:screen-changed" event, which stops reading.
//
// Controls inside the text marked data-read-skip (the video player's buttons, times
// and quality choices) are not read: a listener wants the lesson, not "0:00 / 0:29,
// 0.75×, 1×, 1.25×".
const button = document.querySelector("[data-read-aloud]");

// The text as shown, without the parts marked data-read-skip. They are taken out of
// the layout only while innerText is read, within one task, so no frame shows them gone.
function spokenText(target) {
  const skipped = [...target.querySelectorAll("[data-read-skip]")];
  const before = skipped.map((element) => element.style.getPropertyValue("display"));
  const priority = skipped.map((element) => element.style.getPropertyPriority("display"));
  skipped.forEach((element) => element.style.setProperty("display", "none", "important"));
  try {
    return target.innerText;
  } finally {
    skipped.forEach((element, index) => {
      if (before[index]) element.style.setProperty("display", before[index], priority[index]);
      else element.style.removeProperty("display");
    });
  }
}

function readTarget() {
  return button && document.querySelector(button.dataset.readAloud);
}

// The text's own language: a lesson not yet translated is in Uzbek (lang="uz" on the
// text) on a page in, say, Russian.
function textLanguage() {
  const target = readTarget();
  const holder = target && target.closest("[lang]");
  return ((holder && holder.lang) || document.documentElement.lang || "").toLowerCase();
}

function voiceForPage() {
  const language = textLanguage();
  const primary = language.split("-")[0];
  const voices = window.speechSynthesis.getVoices();
  const tag = (voice) => voice.lang.toLowerCase().replace("_", "-");
  return (
    voices.find((voice) => tag(voice) === language) ||
    voices.find((voice) => tag(voice).split("-")[0] === primary) ||
    null
  );
}

if (button && "speechSynthesis" in window) {
  let reading = false;

  const show = (nowReading) => {
    reading = nowReading;
    button.textContent = reading ? button.dataset.labelStop : button.dataset.labelStart;
    button.setAttribute("aria-pressed", String(reading));
  };
  const offer = () => {
    button.hidden = !readTarget() || !voiceForPage();
  };

  offer();
  window.speechSynthesis.addEventListener("voiceschanged", offer);
  document.addEventListener("komak:screen-changed", () => {
    if (reading) {
      window.speechSynthesis.cancel();
      show(false);
    }
    offer();
  });
  button.addEventListener("click", () => {
    if (reading) {
      window.speechSynthesis.cancel();
      show(false);
      return;
    }
    const target = readTarget();
    const voice = voiceForPage();
    if (!target || !voice) return;
    const utterance = new SpeechSynthesisUtterance(spokenText(target));
    utterance.voice = voice;
    utterance.lang = voice.lang;
    utterance.rate = 0.9; // a little slower than the default, for older listeners
    utterance.addEventListener("end", () => show(false));
    utterance.addEventListener("error", () => show(false));
    show(true);
    window.speechSynthesis.speak(utterance);
  });
}
