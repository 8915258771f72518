"""The jobs that run everything in order: `kg build` (sources and facts to a validated,
published release) and `kg import-undl` (the whole voting history).

May import every other subpackage except kg.serve and kg.analysis.
"""
