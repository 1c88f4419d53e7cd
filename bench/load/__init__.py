"""Load scenarios run by locust against a running Ko'mak (`make load`)."""
