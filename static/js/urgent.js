// Urgent help, live: each [data-urgent-live] block listens on its WebSocket and,
// when told that a request changed, loads its list (or the client's status words)
// again from the server, so the words stay server-rendered and translated. Without
// JavaScript the page still works: it shows the state at its load, and reloading
// shows the news.

const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 30000;
const TICK_MS = 20000;
// Close codes after which trying again cannot help (not allowed).
const FINAL_CODES = new Set([4403]);

function socketUrl(path) {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${window.location.host}${path}`;
}

function tick(block) {
  // "Waiting: N min", counted on from each request's creation time.
  for (const line of block.querySelectorAll("[data-urgent-waited]")) {
    const item = line.closest("[data-created]");
    const created = Date.parse(item?.dataset.created ?? "");
    if (Number.isNaN(created)) continue;
    const minutes = Math.max(0, Math.floor((Date.now() - created) / 60000));
    line.textContent = line.dataset.template.replace("{minutes}", String(minutes));
  }
}

async function refresh(block) {
  const target = block.querySelector("[data-urgent-fragment]");
  try {
    const response = await fetch(block.dataset.fragment, {
      credentials: "same-origin",
      headers: { Accept: "text/html" },
    });
    if (!response.ok) return;
    target.innerHTML = await response.text();
    tick(block);
  } catch {
    // Offline for a moment: the next message or reconnect loads it again.
  }
}

function listen(block) {
  let retryMs = RETRY_MIN_MS;
  const connect = () => {
    const socket = new WebSocket(socketUrl(block.dataset.socket));
    socket.addEventListener("message", (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (message.type === "welcome") {
        retryMs = RETRY_MIN_MS;
        block.dataset.urgentConnected = "true";
        // Whatever happened between the page's load (or a lost link) and now.
        refresh(block);
        return;
      }
      if (["new", "taken", "escalated", "closed"].includes(message.type)) {
        refresh(block);
      }
    });
    socket.addEventListener("close", (event) => {
      block.dataset.urgentConnected = "false";
      if (FINAL_CODES.has(event.code)) return;
      window.setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
    });
  };
  connect();
  window.setInterval(() => tick(block), TICK_MS);
}

for (const block of document.querySelectorAll("[data-urgent-live]")) {
  if (block.dataset.urgentListening) continue;
  block.dataset.urgentListening = "true";
  listen(block);
}
