"""Clients' rights: export, rectification, erasure, restriction, the requests board,
the sharing register and retention."""
