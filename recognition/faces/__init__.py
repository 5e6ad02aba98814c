"""Faces: detection, landmarks and faceprints (``api``), tracking between detections,
identities within a session, the demo watchlist, landmark cues and clothing colour."""
