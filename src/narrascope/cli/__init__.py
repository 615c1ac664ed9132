"""Command-line interface. Each module here that defines ``register(app)`` adds commands."""
