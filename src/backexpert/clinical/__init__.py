"""Clinical words and records: codes, the intake, the questionnaires and the exercise catalogue."""
