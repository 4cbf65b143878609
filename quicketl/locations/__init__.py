"""Where data lives, in one vocabulary for every layer (standard library only).

- `urls`: remote data (`s3://`, `https://`, ...) and database URLs (`duckdb:///...`);
- `paths`: root-relative normalisation of the paths a pipeline writes;
- `globbing`: globs expanded and matched exactly as DuckDB does;
- `refs`: references to inputs and outputs (files, globs, `table:<file>#<table>`).

It sits below `config`, so config, plan, engine, state and export all use it, and it imports
nothing heavy: the no-op fast path loads it.
"""
