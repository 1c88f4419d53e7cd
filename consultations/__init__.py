"""Consultations: booking and live video sessions with psychologists and social workers.

Only the entry page exists so far; booking, the waiting room and the call arrive with
the consultations work (see the issue tracker).
"""
