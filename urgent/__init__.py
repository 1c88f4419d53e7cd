"""Urgent help: the "I need help now" request of a client, the coordinators' duty rota,
the on-duty specialists' live dashboard, taking a request and escalating it."""
