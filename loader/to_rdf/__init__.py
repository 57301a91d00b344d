"""Records (plain Python objects from ``loader.sources``) to RDF graphs. No I/O here."""
