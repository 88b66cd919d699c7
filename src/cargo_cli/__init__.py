"""cargo-ai: a Python command-line client for the Cargo GTM platform."""

__version__ = "0.1.0"
