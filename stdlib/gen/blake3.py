"""BLAKE3 (placeholder)."""
