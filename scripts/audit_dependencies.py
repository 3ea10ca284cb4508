"""Known vulnerabilities in the shipped dependencies (requirements/prod.txt), for `make lint`.

    .venv/bin/python scripts/audit_dependencies.py [requirements/prod.txt]

pip-audit checks each hash-pinned version against PyPI's per-release JSON (its
`vulnerabilities`). Where PyPI cannot answer for a release (pip-audit then *skips* the
package and, without --strict, still says "No known vulnerabilities found"), this asks PyPI's
per-project JSON instead, whose `vulnerabilities` are those of the newest release: complete
for a pin that is the newest release. Outcome:

- a known vulnerability in a pinned version: exit 1, with the versions that fix it;
- PyPI unreachable, or pip-audit failing for any other reason: exit 2 (never a silent pass);
- a pin that neither source can answer for (an older release while PyPI's per-release JSON is
  unavailable): named in a warning; exit 3 instead of 0 with AUDIT_STRICT=1.
"""

import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT_JSON = "https://pypi.org/pypi/{name}/json"
TIMEOUT_SECONDS = 30


def unaudited_exit(why: str):
    print(f"ERROR: {why}; the dependencies were NOT audited.", file=sys.stderr)
    sys.exit(2)


def pip_audit(requirements: Path) -> list[dict]:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip_audit",
            "--requirement",
            str(requirements),
            "--require-hashes",
            "--disable-pip",
            "--progress-spinner",
            "off",
            "--format",
            "json",
            "--desc",
            "off",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        sys.stderr.write(done.stdout + done.stderr)
        unaudited_exit(f"pip-audit failed (exit {done.returncode})")
    return report["dependencies"]


def newest_release(name: str) -> tuple[str, list[dict]]:
    """The newest version on PyPI and its known vulnerabilities."""
    try:
        with urllib.request.urlopen(
            PROJECT_JSON.format(name=name), timeout=TIMEOUT_SECONDS
        ) as response:
            data = json.load(response)
    except (OSError, urllib.error.URLError, json.JSONDecodeError) as error:
        unaudited_exit(f"PyPI could not be asked about {name} ({error})")
    return data["info"]["version"], data.get("vulnerabilities") or []


def pins(requirements: Path) -> dict[str, str]:
    """name -> pinned version, names normalised as pip-audit reports them."""
    found = re.findall(r"^([A-Za-z0-9_.-]+)==([^\s;\\]+)", requirements.read_text(), re.M)
    return {re.sub(r"[-_.]+", "-", name).lower(): version for name, version in found}


def main() -> None:
    requirements = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "requirements/prod.txt")
    pinned = pins(requirements)
    found: list[str] = []
    unaudited: list[str] = []
    by_release = by_project = 0
    for dependency in pip_audit(requirements):
        name = dependency["name"]
        version = dependency.get("version") or pinned.get(name, "?")
        vulns = dependency.get("vulns", [])
        if "skip_reason" not in dependency:
            by_release += 1
        else:
            newest, vulns = newest_release(name)
            if newest != version:
                unaudited.append(f"{name} {version} (newest {newest}): {dependency['skip_reason']}")
                continue
            by_project += 1
        for vuln in vulns:
            fixed = ", ".join(vuln.get("fix_versions") or vuln.get("fixed_in") or []) or "none yet"
            found.append(f"{name} {version}: {vuln['id']} (fixed in: {fixed})")
    print(
        f"Audited {by_release + by_project} pinned dependencies of {requirements.name} "
        f"({by_release} by release, {by_project} as the newest release)."
    )
    if unaudited:
        print("WARNING: not audited, PyPI has no vulnerability data for these releases here:")
        print("  " + "\n  ".join(unaudited))
    if found:
        print("Known vulnerabilities:\n  " + "\n  ".join(found))
        sys.exit(1)
    if unaudited and os.environ.get("AUDIT_STRICT") == "1":
        sys.exit(3)
    print("No known vulnerabilities.")


if __name__ == "__main__":
    main()
