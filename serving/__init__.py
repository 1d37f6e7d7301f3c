"""Serving concerns: configuration from the environment, the shared result cache, warm-up."""
