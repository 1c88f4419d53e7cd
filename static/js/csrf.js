// The CSRF token for a fetch() that changes something (Django's X-CSRFToken header).
//
// The cookie first: a sign-in in another tab rotates it, and the cookie is always the
// newest. A page whose cookie cannot be read (none set yet) falls back to the token
// that {% csrf_token %} put in a form on the page.

export function csrfToken() {
  const cookie = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
  if (cookie) return decodeURIComponent(cookie.slice("csrftoken=".length));
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}
