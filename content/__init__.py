"""Supplier content: pages, materials, workspaces, imports."""
