// The call's signaling socket (docs/signaling.md): one WebSocket to the Channels
// consumer, a paced send queue, messages handled one after another, and reconnection
// with back-off after a lost link. What the messages mean is the page's business.

// The server allows 20 messages a second per socket, counted as they arrive. Trickled
// ICE candidates come in bursts and a slow link delivers frames in clumps, so messages
// leave through a queue at most one every 100 ms: half the limit, as headroom.
const SEND_SPACING_MS = 100;
// Refusals (close 4400) retried with a fresh socket before giving up.
const MAX_REFUSALS = 3;
// Close codes that end the call for good, and the key of the words for each.
const RIGHT_ENDED = { 4408: "timeOver", 4410: "cancelled", 4451: "consentWithdrawn" };

// The socket at `path`, opened by connect() and kept open. `onMessage(message)` is awaited
// before the next message is handled: an offer must be applied before the candidates
// that follow it, even while getUserMedia or setRemoteDescription waits.
// `onClose({ outcome, reason })` says what a close means:
//   "refused"  4403, not a participant (or not yet, or no consent): not retried;
//   "over"     the right to the call ended (`reason` is the words' key): not retried;
//   "error"    the server refused messages too often: not retried;
//   "lost"     any other close: a new socket follows after a back-off.
export function createSignaling({ path, onMessage, onClose }) {
  let socket = null;
  let attempt = 0;
  let opens = 0;
  let refusals = 0;
  let finished = false;
  let chain = Promise.resolve();
  const outbox = [];
  let sendTimer = null;

  function drain() {
    sendTimer = null;
    if (!outbox.length) return;
    if (!socket || socket.readyState !== WebSocket.OPEN) return; // sent after the reconnect
    socket.send(outbox.shift());
    if (outbox.length) sendTimer = setTimeout(drain, SEND_SPACING_MS);
  }

  function send(message) {
    outbox.push(JSON.stringify(message));
    if (!sendTimer) drain();
  }

  function closed(event) {
    // The server closes with 1000 only after `leave` or `ended`, both of which call
    // finish() first; any other close is a lost link and is retried.
    if (finished) return;
    if (event.code === 4403) {
      onClose({ outcome: "refused" });
      return;
    }
    // The right to the call ended (cancelled, time over, consent withdrawn): the call
    // stops for both people and is not reconnected. docs/signaling.md.
    if (event.code in RIGHT_ENDED) {
      finished = true;
      onClose({ outcome: "over", reason: RIGHT_ENDED[event.code] });
      return;
    }
    if (event.code === 4400) {
      // The server refused a message. Try again a few times with a fresh socket (the
      // refusal may have been a burst on a bad link), but do not loop for ever.
      refusals += 1;
      if (refusals > MAX_REFUSALS) {
        onClose({ outcome: "error" });
        return;
      }
    }
    onClose({ outcome: "lost" });
    // Back off 1, 2, 4, 8 s, then every 10 s: a village link can drop for a while.
    const delay = Math.min(1000 * 2 ** attempt, 10_000);
    attempt += 1;
    setTimeout(connect, delay);
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(`${scheme}://${location.host}${path}`);
    socket.addEventListener("open", () => {
      attempt = 0;
      opens += 1;
      // A new socket starts with join; what was queued while offline follows.
      outbox.unshift(JSON.stringify({ type: "join" }));
      drain();
    });
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(event.data);
      chain = chain.then(() => onMessage(message)).catch((error) => console.warn(error));
    });
    socket.addEventListener("close", closed);
  }

  return {
    connect,
    // Queued until the socket is open, and kept through a reconnection.
    send,
    // From now on the server's close is expected (after `leave`, `end` or `ended`).
    finish() {
      finished = true;
    },
    // Drop the socket as a lost link would (code 4000 is not a purposeful close).
    drop() {
      if (socket) socket.close(4000);
    },
    // How many times a socket has opened: 2 or more after a reconnection.
    get opens() {
      return opens;
    },
  };
}
