"""Views of the consultations app, one module per person's task: the directory and
booking steps, consent, my appointments, the specialist's day, session notes, the
pre-call check and the call. They parse input and call selectors and services."""
