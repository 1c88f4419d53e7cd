// The call's fallback ladder, as pure functions so that it can be tested on its own.
//
// Level 0 is full video, 1 low video (about 180p at 200 kbps or less), 2 audio only.
// A link is judged every 2 s from getStats: the available outgoing bitrate, the loss
// the other side reports, and the round trip.

export const LEVELS = { FULL: 0, LOW: 1, AUDIO: 2 };
export const STEP_DOWN_AFTER = 3; // poor samples in a row (6 s)
export const STEP_UP_AFTER = 5; // good samples in a row (10 s), so a flapping link does not flicker

export function assess({ bitrate = null, loss = 0, rtt = null }) {
  const weak = (bitrate !== null && bitrate < 150_000) || loss > 0.15 || (rtt !== null && rtt > 1.0);
  if (weak) return "weak";
  const poor = (bitrate !== null && bitrate < 400_000) || loss > 0.05 || (rtt !== null && rtt > 0.4);
  return poor ? "poor" : "good";
}

// Returns the next state {level, bad, good}; a weak link goes straight to audio only.
export function step(state, quality) {
  let { level, bad, good } = state;
  if (quality === "good") {
    bad = 0;
    good += 1;
    if (good >= STEP_UP_AFTER && level > LEVELS.FULL) {
      return { level: level - 1, bad: 0, good: 0 };
    }
    return { level, bad, good };
  }
  good = 0;
  bad += 1;
  if (bad >= STEP_DOWN_AFTER && level < LEVELS.AUDIO) {
    return { level: quality === "weak" ? LEVELS.AUDIO : level + 1, bad: 0, good: 0 };
  }
  return { level, bad, good };
}
