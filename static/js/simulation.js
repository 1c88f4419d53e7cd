// Lesson simulations (templates/learning/simulation_play.html): the next screen
// without a page load. The forms work without this script; it only posts them with
// fetch, puts the server's next screen in place of the old one, and moves focus to
// its heading as a page load does (autofocus). The server decides every step.
const root = document.querySelector("[data-simulation-root]");

function formBody(form, submitter) {
  const body = new FormData(form);
  // The pressed button's choice, which new FormData(form) leaves out.
  if (submitter && submitter.name) body.append(submitter.name, submitter.value);
  return body;
}

function postPlainly(form, submitter) {
  // Offline or an answer that is not a screen (a sign-in page): let the browser
  // post the form itself, with the choice made.
  if (submitter && submitter.name) {
    const hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = submitter.name;
    hidden.value = submitter.value;
    form.append(hidden);
  }
  form.submit();
}

if (root) {
  root.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!form.matches("form[data-simulation]")) return;
    event.preventDefault();
    if (root.dataset.busy) return; // a second press while the first is on its way
    root.dataset.busy = "1";
    try {
      // getAttribute: form.action would be the hidden input named "action".
      const response = await fetch(form.getAttribute("action"), {
        method: "POST",
        body: formBody(form, event.submitter),
        credentials: "same-origin",
      });
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const next = page.querySelector("[data-simulation-root]");
      if (!next) throw new Error("not a simulation screen");
      root.replaceChildren(...next.childNodes);
      // "Read aloud" (static/js/read-aloud.js) stops reading the screen that is gone.
      document.dispatchEvent(new CustomEvent("komak:screen-changed"));
      const heading = root.querySelector("#simulation-screen");
      if (heading) heading.focus();
    } catch {
      postPlainly(form, event.submitter);
    } finally {
      delete root.dataset.busy;
    }
  });
}
