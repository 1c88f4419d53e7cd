"""Check-ins between sessions: the WHO-5 wellbeing questionnaire a specialist schedules
for a client, its scores over time, and the alerts a low or falling score raises."""
