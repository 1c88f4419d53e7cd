// Reading an RTCPeerConnection's statistics, for the call and the pre-call check alike.

// The candidate pair ICE has selected: the transport report names it. Firefox has no
// transport report, so there it is the nominated pair that works.
export function selectedCandidatePair(stats) {
  let pair = null;
  stats.forEach((report) => {
    if (report.type === "transport" && report.selectedCandidatePairId) {
      pair = stats.get(report.selectedCandidatePairId) || pair;
    }
  });
  if (pair) return pair;
  stats.forEach((report) => {
    if (report.type === "candidate-pair" && report.nominated && report.state === "succeeded") {
      pair = pair || report;
    }
  });
  return pair;
}

// Whether the media goes through a TURN relay: either end of the selected pair is a
// relay candidate (ours when we asked for the relay, theirs when they did).
export function selectedPairUsesRelay(stats) {
  const pair = selectedCandidatePair(stats);
  if (!pair) return false;
  const local = stats.get(pair.localCandidateId);
  const remote = stats.get(pair.remoteCandidateId);
  return [local, remote].some((candidate) => candidate && candidate.candidateType === "relay");
}
