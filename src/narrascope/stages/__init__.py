"""Pipeline stages. Every module here registers its backends on import."""
