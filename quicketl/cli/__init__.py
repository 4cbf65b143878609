"""The `quicketl` command line: thin typer commands over `quicketl.api`."""
