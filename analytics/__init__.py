"""Needs analytics for coordinators: demand, waiting, no-shows, check-in trends, urgent
requests and learning, by region, language and age group, with small groups
suppressed; aggregates precomputed by a django-q2 schedule."""
