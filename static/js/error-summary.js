// A form's error summary (templates/includes/error_summary.html): focus moves to it
// when the page loads, so that the person who pressed the button hears and sees what
// went wrong; its links take her to each field, with the field's label in view (the
// browser alone would scroll the field to the top edge, label hidden, and not focus it).

const summary = document.querySelector("[data-error-summary]");

if (summary) {
  summary.focus();
  summary.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    const field = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!field) {
      return;
    }
    event.preventDefault();
    const label = field.labels && field.labels[0];
    (label || field).scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
  });
}
