"""unkg: a knowledge graph of the UN votes of 24 February 2025 on Ukraine."""
