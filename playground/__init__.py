"""FastAPI-Playground: one real FastAPI application that every course notebook drives."""

__version__ = "0.1.0"
