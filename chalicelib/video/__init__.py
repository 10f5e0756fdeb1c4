"""The meeting service of the sign-language video calls: Amazon Chime SDK meetings and its media capture
pipelines (chime.py), behind domain.ports.VideoMeetings. Locally the sandbox plays both
(chalicelib/local/chime_standin.py)."""
