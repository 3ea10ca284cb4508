"""Drop and create a benchmark database: `python benchmarks/database.py --recreate URL`.

Only databases whose name starts with `firstask_bench` are touched, so a mistyped URL cannot
drop a real one.
"""

import argparse
import sys
import urllib.parse

import psycopg
from psycopg import sql

PREFIX = "firstask_bench"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recreate", metavar="DATABASE_URL", required=True)
    url = urllib.parse.urlsplit(parser.parse_args().recreate)
    name = url.path.lstrip("/")
    if not name.startswith(PREFIX):
        sys.exit(f"Refusing to recreate {name!r}: benchmark databases are named {PREFIX}*.")
    maintenance = urllib.parse.urlunsplit(url._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    print(f"Database {name} created.")


if __name__ == "__main__":
    main()
