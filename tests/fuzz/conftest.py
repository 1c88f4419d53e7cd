"""Quiet logs for the fuzz: thousands of refused requests are expected, and each
would otherwise log a warning that pytest keeps in memory."""

import logging

import pytest


@pytest.fixture(autouse=True)
def refusals_unlogged():
    loggers = [
        logging.getLogger(name) for name in ("django.request", "django.security")
    ]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)
