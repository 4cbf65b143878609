"""`python -m quicketl`: the same command as the `quicketl` console script."""

from quicketl.cli.main import main

if __name__ == "__main__":
    main()
