"""`python -m crm`: the `crm` command, for when the console script is not on PATH."""

from crm.cli import run

if __name__ == "__main__":
    run()
