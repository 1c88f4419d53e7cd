"""Lesson videos for weak networks: uploads probed with PyAV, an HLS ladder made by
the task queue, captions and transcripts, and the player's data (docs/video.md)."""
