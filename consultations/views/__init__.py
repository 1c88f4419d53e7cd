"""Views of the consultations app, one module per part: booking, precall, call."""
