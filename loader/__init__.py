"""unkg's core: read UN source documents into RDF, validate it with SHACL, keep it in an Oxigraph store."""
